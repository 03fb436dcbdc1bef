package dev.iamdb.flyway;

import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What a test overrides to point a production configuration at the local IAM database, and what it inspects there. */
final class Testkit {
    /** Fake credentials the local database trusts; URL-driven runs get them through the default chain. */
    static final Identity IDENTITY = Identity.of("AKIAIAMDBFLYWAYTEST1", "fake-secret-for-the-local-testkit-only",
            Identity.DEFAULT_PRINCIPAL_ARN);

    private Testkit() {
    }

    /** The connection to the local gateway; tokens are still signed for the DSQL endpoint name (iamHost). */
    private static String hostAndQuery(LocalIamDatabase db) {
        return "//127.0.0.1:" + db.port() + "/postgres?sslmode=verify-full&sslrootcert=" + db.caCertificate()
                + "&iamHost=" + db.endpoint();
    }

    /** For the API route, which hands IamConfig a pgjdbc URL. */
    static String url(LocalIamDatabase db) {
        return "jdbc:postgresql:" + hostAndQuery(db);
    }

    /** For URL-driven runs, in place of the guide's {@code jdbc:iamdb:postgresql://your-cluster-id…} URL. */
    static String iamdbUrl(LocalIamDatabase db) {
        return "jdbc:iamdb:postgresql:" + hostAndQuery(db);
    }

    static boolean tableExists(LocalIamDatabase db, String table) throws SQLException {
        try (Connection c = db.adminConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            r.next();
            return r.getBoolean(1);
        }
    }

    /** Drops what the test migrations create, so that every test starts from an empty schema. */
    static void dropMigratedTables(LocalIamDatabase db) throws SQLException {
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS note, tag, flyway_schema_history");
        }
        db.clearDecisions();
    }
}
