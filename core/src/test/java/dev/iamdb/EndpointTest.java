package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {

    @ParameterizedTest
    @CsvSource({
        "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws, DSQL, us-east-1",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ.DSQL.EU-WEST-2.ON.AWS., DSQL, eu-west-2",
        "abcdefghijklmnopqrstuvwxyz.dsql-ab12.ap-northeast-1.on.aws, DSQL, ap-northeast-1",
        "mydb.c0abcdefghij.us-east-1.rds.amazonaws.com, RDS, us-east-1",
        "mydb.cluster-c0abcdefghij.eu-central-1.rds.amazonaws.com, RDS, eu-central-1",
        "mydb.cluster-ro-c0abcdefghij.eu-central-1.rds.amazonaws.com, RDS, eu-central-1",
        "reports.cluster-custom-c0abcdefghij.us-west-2.rds.amazonaws.com, RDS, us-west-2",
        "myproxy.proxy-c0abcdefghij.us-west-2.rds.amazonaws.com, RDS, us-west-2",
        "lim.shardgrp-c0abcdefghij.us-east-2.rds.amazonaws.com, RDS, us-east-2",
        "mydb.c0abcdefghij.rds.cn-north-1.amazonaws.com.cn, RDS, cn-north-1",
        "mydb.c0abcdefghij.cn-northwest-1.rds.amazonaws.com.cn, RDS, cn-northwest-1",
        "mydb.c0abcdefghij.us-gov-west-1.rds.amazonaws.com, RDS, us-gov-west-1",
        "mydb.c0abcdefghij.rds.us-iso-east-1.c2s.ic.gov, RDS, us-iso-east-1",
        "mydb.c0abcdefghij.rds.us-isob-east-1.sc2s.sgov.gov, RDS, us-isob-east-1",
        "mydb.c0abcdefghij.eusc-de-east-1.rds.amazonaws.com, RDS, eusc-de-east-1",
    })
    void recognisesServiceAndRegion(String host, IamService service, String region) {
        Endpoint e = Endpoint.recognise(host);
        assertThat(e).isEqualTo(new Endpoint(service, region));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mydb.global-abcdefghij.global.rds.amazonaws.com", "MYDB.GLOBAL-ABCDEFGHIJ.GLOBAL.RDS.AMAZONAWS.COM."})
    void globalDatabaseIsRdsWithoutRegion(String host) {
        assertThat(Endpoint.recognise(host)).isEqualTo(new Endpoint(IamService.RDS, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1", "::1", "10.0.0.12", "db.example.com", "dsql.us-east-1.api.aws",
        "abc.dsql.us-east-1.on.aws.evil.com", "mydb.c0abcdefghij.us-east-1.rds.amazonaws.com.example.org", ""})
    void otherNamesAreNotEndpoints(String host) {
        assertThat(Endpoint.recognise(host)).isNull();
    }
}
