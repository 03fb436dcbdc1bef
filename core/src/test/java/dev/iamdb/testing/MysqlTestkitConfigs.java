package dev.iamdb.testing;

import dev.iamdb.IamConfig;
import dev.iamdb.testkit.mysql.LocalIamMysqlDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link TestkitConfigs} for the MySQL testkit, apart so that modules without it on their class path still compile
 * against iamdb-core's test jar.
 */
public final class MysqlTestkitConfigs {
    private MysqlTestkitConfigs() {
    }

    /**
     * A {@code jdbc:iamdb:} URL through MySQL Connector/J ({@code mysql}) or MariaDB Connector/J ({@code mariadb}) to
     * the testkit's gateway, trusting its CA as a user's own TLS settings would: tokens signed for the emulated endpoint.
     */
    public static String iamdbUrl(LocalIamMysqlDatabase db, String driver) {
        return "jdbc:iamdb:" + url(db, driver).substring("jdbc:".length());
    }

    /** The same as {@link #iamdbUrl} without the {@code iamdb:}: the target driver's own URL, as {@code IamConfig.url} takes it. */
    public static String url(LocalIamMysqlDatabase db, String driver) {
        String url = driver.equals("mysql") ? db.jdbcUrl() : db.mariadbJdbcUrl();
        return url + "&iamHost=" + db.endpoint() + "&iamDefaultPort=" + db.endpointPort();
    }

    /** Flyway's history in the testkit's database, as {@code version:success} rows in order. */
    public static List<String> flywayHistory(LocalIamMysqlDatabase db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.adminConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT version, success FROM " + db.database() + ".flyway_schema_history ORDER BY installed_rank")) {
            while (r.next()) {
                rows.add(r.getString(1) + ":" + r.getBoolean(2));
            }
        }
        return rows;
    }

    /** A configuration for {@code user} through {@code driver} ({@code mysql} or {@code mariadb}), signed with the testkit's identity. */
    public static IamConfig.Builder config(LocalIamMysqlDatabase db, String driver, String user) {
        return IamConfig.builder().url(iamdbUrl(db, driver)).property("user", user)
                .credentialsProvider(TestkitConfigs.credentials(db.identity()));
    }
}
