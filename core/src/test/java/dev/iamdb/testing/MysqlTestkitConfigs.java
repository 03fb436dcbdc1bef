package dev.iamdb.testing;

import dev.iamdb.IamConfig;
import dev.iamdb.testkit.mysql.LocalIamMysqlDatabase;

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
        String url = driver.equals("mysql") ? db.jdbcUrl() : db.mariadbJdbcUrl();
        return "jdbc:iamdb:" + url.substring("jdbc:".length()) + "&iamHost=" + db.endpoint() + "&iamDefaultPort=" + db.endpointPort();
    }

    /** A configuration for {@code user} through {@code driver} ({@code mysql} or {@code mariadb}), signed with the testkit's identity. */
    public static IamConfig.Builder config(LocalIamMysqlDatabase db, String driver, String user) {
        return IamConfig.builder().url(iamdbUrl(db, driver)).property("user", user)
                .credentialsProvider(TestkitConfigs.credentials(db.identity()));
    }
}
