package dev.iamdb.jooq;

import static dev.iamdb.testing.MysqlTestkitConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamPooledDataSource;
import dev.iamdb.testkit.mysql.LocalIamMysqlDatabase;
import org.jooq.CloseableDSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
