package dev.iamdb.jooq;

import static dev.iamdb.testing.MysqlTestkitConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamPooledDataSource;
import dev.iamdb.testing.MysqlTestkitConfigs;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.mysql.LocalIamMysqlDatabase;
import java.util.Properties;
import org.jooq.CloseableDSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** jOOQ on RDS for MySQL and MariaDB: the dialect is read from the URL, and queries run through the IAM pool. */
class MysqlTest {
    static LocalIamMysqlDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamMysqlDatabase.builder().user("app").start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void theGuidesSnippetReadsTheDialectFromTheUrl() {
        String url = MysqlTestkitConfigs.url(db, "mysql");
        Properties settings = new Properties();
        settings.setProperty("user", "app");
        settings.put("awsCredentialsProvider", TestkitConfigs.credentials(db.identity()));
        // jdbc:mysql://… for MySQL Connector/J, jdbc:mariadb://… for MariaDB Connector/J
        CloseableDSLContext dsl = IamDsl.create(url, settings);   // SQLDialect.MYSQL or MARIADB, from the URL
        try (dsl) {
            assertThat(dsl.dialect()).isEqualTo(SQLDialect.MYSQL);
            assertThat(dsl.fetchValue("select 1")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @CsvSource({"mysql, MYSQL", "mariadb, MARIADB"})
    void theDialectFollowsTheUrl(String driver, SQLDialect dialect) {
        try (CloseableDSLContext dsl = IamDsl.create(config(db, driver, "app").build())) {
            assertThat(dsl.dialect()).isEqualTo(dialect);
            assertThat(dsl.select(DSL.field("current_user()", String.class)).fetchOne(0, String.class)).isEqualTo("app@%");
        }
        try (IamPooledDataSource pool = new IamPooledDataSource(config(db, driver, "app").build())) {
            assertThat(IamDsl.create(pool).dialect()).isEqualTo(dialect);
        }
    }
}
