package dev.iamdb.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamDriver;
import org.junit.jupiter.api.Test;

/** The plugin claims exactly the URLs the driver accepts, so none falls through to another database type. */
class DatabaseTypeTest {
    private final IamPostgreSQLDatabaseType type = new IamPostgreSQLDatabaseType();

    @Test
    void claimsIamdbPostgresqlUrlsWhateverTheirCase() {
        String url = "JDBC:IAMDB:PostgreSQL://abc.dsql.us-east-1.on.aws/postgres";
        assertThat(new IamDriver().acceptsURL(url)).isTrue();
        assertThat(type.handlesJDBCUrl(url)).isTrue();
        assertThat(type.handlesJDBCUrl("jdbc:postgresql://abc.dsql.us-east-1.on.aws/postgres")).isFalse();
    }
}
