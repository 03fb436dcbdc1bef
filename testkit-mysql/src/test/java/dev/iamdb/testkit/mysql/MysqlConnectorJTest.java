package dev.iamdb.testkit.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MySQL Connector/J logs in through the gateway with an RdsUtilities token, TLS verified. */
class MysqlConnectorJTest {

    static LocalIamMysqlDatabase db;

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        db = LocalIamMysqlDatabase.builder().user("app").start();
        System.out.println("started in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void logsInWithAToken() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "app", Tokens.rds(db, "app"));
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_user()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("app@%");
        }
    }
}
