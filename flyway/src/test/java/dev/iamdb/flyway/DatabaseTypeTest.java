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

    @Test
    void claimsIamdbMysqlAndMariadbUrlsOnly() {
        IamMySQLDatabaseType mysql = new IamMySQLDatabaseType();
        IamMariaDBDatabaseType mariadb = new IamMariaDBDatabaseType();
        assertThat(mysql.handlesJDBCUrl("JDBC:IAMDB:MySQL://mydb.abc123.us-east-1.rds.amazonaws.com/app")).isTrue();
        assertThat(mariadb.handlesJDBCUrl("jdbc:iamdb:mariadb://mydb.abc123.us-east-1.rds.amazonaws.com/app")).isTrue();
        assertThat(mysql.handlesJDBCUrl("jdbc:iamdb:mariadb://h/app")).isFalse();
        assertThat(mariadb.handlesJDBCUrl("jdbc:iamdb:mysql://h/app")).isFalse();
        assertThat(mysql.handlesJDBCUrl("jdbc:mysql://h/app")).isFalse();
        assertThat(mysql.getDriverClass("jdbc:iamdb:mysql://h/app", getClass().getClassLoader())).isEqualTo(IamDriver.class.getName());
        assertThat(mariadb.getDriverClass("jdbc:iamdb:mariadb://h/app", getClass().getClassLoader())).isEqualTo(IamDriver.class.getName());
    }
}
