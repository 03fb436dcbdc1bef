package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static dev.iamdb.testkit.DsqlGatewayTest.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Both ways of using the JUnit 5 extension. */
class LocalIamDatabaseExtensionTest {

    @Nested
    @ExtendWith(LocalIamDatabaseExtension.class)
    class Declarative {
        private final LocalIamDatabase fromConstructor;

        Declarative(LocalIamDatabase db) {
            this.fromConstructor = db;
        }

        @Test
        void injectsOneSharedDsqlInstanceWithTls(LocalIamDatabase db) throws Exception {
            assertThat(db).isSameAs(fromConstructor);
            assertThat(db.service()).isEqualTo(Service.DSQL);
            assertThat(db.endpoint()).matches("[a-z0-9]{26}\\.dsql\\.us-east-1\\.on\\.aws");
            assertThat(db.identity().accessKeyId()).matches("AKIA[A-Z2-7]{16}");
            assertThat(db.identity().principalArn()).isEqualTo(Identity.DEFAULT_PRINCIPAL_ARN);
            assertThat(Files.readString(db.caCertificate())).startsWith("-----BEGIN CERTIFICATE-----");
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), props("admin", Tokens.dsql(db, db.identity(), "admin")))) {
                assertThat(query(c, "select current_user")).isEqualTo("admin");
            }
        }
    }

    @Nested
    class Registered {
        @RegisterExtension
        static LocalIamDatabaseExtension extension = new LocalIamDatabaseExtension(
                LocalIamDatabase.builder().service(Service.RDS).role("reader"));

        @Test
        void usesTheBuildersSettings(LocalIamDatabase db) throws SQLException {
            assertThat(db.service()).isEqualTo(Service.RDS);
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), props("reader", Tokens.rds(db, db.identity(), "reader")))) {
                assertThat(query(c, "select current_user")).isEqualTo("reader");
            }
        }
    }
}
