package dev.iamdb.hibernate;

import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.LocalIamDatabase;
import java.util.HashMap;
import java.util.Map;

/** The settings a test overrides to point a production configuration at the local IAM database. */
final class Testkit {
    private Testkit() {
    }

    /** The guide's URL, but to the local gateway: tokens are still signed for the DSQL endpoint name (iamHost). */
    static String url(LocalIamDatabase db) {
        return db.iamdbJdbcUrl();
    }

    /** URL and credentials for the local database, under the Hibernate names. */
    static Map<String, Object> overrides(LocalIamDatabase db) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("hibernate.connection.url", url(db));
        settings.put("hibernate.connection.awsCredentialsProvider", TestkitConfigs.credentials(db.identity()));
        return settings;
    }
}
