package dev.iamdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Settings rejected by start() before anything starts. */
class LocalIamDatabaseSettingsTest {

    @Test
    void rejectsAnEndpointInAnotherRegionThanTheRegion() {
        assertThatThrownBy(() -> LocalIamDatabase.builder().service(Service.RDS)
                .endpoint("db1.abcdefghijkl.eu-central-1.rds.amazonaws.com").region("us-east-1").start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("db1.abcdefghijkl.eu-central-1.rds.amazonaws.com")
                .hasMessageContaining("eu-central-1").hasMessageContaining("us-east-1");
    }

    @ParameterizedTest
    @CsvSource({
        "abcdefghijklmnopqrstuvwxyz.dsql.eu-west-2.on.aws, eu-west-2",
        "abcdefghijklmnopqrstuvwxyz.dsql-ab12.ap-northeast-1.on.aws, ap-northeast-1",
        "mydb.cluster-ro-c0abcdefghij.eu-central-1.rds.amazonaws.com, eu-central-1",
        "mydb.c0abcdefghij.rds.cn-north-1.amazonaws.com.cn, cn-north-1",
        "mydb.c0abcdefghij.cn-northwest-1.rds.amazonaws.com.cn, cn-northwest-1",
        "mydb.c0abcdefghij.us-gov-west-1.rds.amazonaws.com, us-gov-west-1",
        "mydb.c0abcdefghij.rds.us-iso-east-1.c2s.ic.gov, us-iso-east-1",
    })
    void readsTheRegionOfAnAwsEndpoint(String endpoint, String region) {
        assertThat(LocalIamDatabase.regionOf(endpoint)).isEqualTo(region);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "db.example.com", "mydb.global-abcdefghij.global.rds.amazonaws.com"})
    void namesWithoutARegionLeaveTheRegionToTheSetting(String endpoint) {
        assertThat(LocalIamDatabase.regionOf(endpoint)).isNull();
    }

    @Test
    void certificateOptionsNeedTls() {
        assertThatThrownBy(() -> LocalIamDatabase.builder().tls(false).certificateNames("evil.example.com").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("certificateNames");
        assertThatThrownBy(() -> LocalIamDatabase.builder().certificateNames("not a host"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'not a host'");
    }
}
