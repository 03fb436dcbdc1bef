package dev.iamdb.testing;

import dev.iamdb.IamConfig;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * What the tests of every module need to point iamdb at the testkit and look at the result, written once.
 * Shipped to the other modules' tests as iamdb-core's test jar.
 */
public final class TestkitConfigs {
    private TestkitConfigs() {
    }

    /** Fake credentials of a testkit identity, as an application would hand iamdb its own provider. */
    public static StaticCredentialsProvider credentials(Identity id) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(id.accessKeyId(), id.secretAccessKey()));
    }

    /** A configuration for {@code user} on the testkit's database, signed with its first identity's credentials. */
    public static IamConfig.Builder config(LocalIamDatabase db, String user) {
        return IamConfig.builder().url(db.iamdbJdbcUrl()).property("user", user).credentialsProvider(credentials(db.identity()));
    }

    /** The first column of the first row of {@code sql}, as text. */
    public static String queryForString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    /** Who the session is logged in as. */
    public static String currentUser(Connection c) throws SQLException {
        return queryForString(c, "select current_user");
    }

    /** Flyway's schema history as "version:success" rows in installation order, read over the superuser connection. */
    public static List<String> flywayHistory(LocalIamDatabase db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.adminConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT version, success FROM flyway_schema_history ORDER BY installed_rank")) {
            while (r.next()) {
                rows.add(r.getString(1) + ":" + r.getBoolean(2));
            }
        }
        return rows;
    }
}
