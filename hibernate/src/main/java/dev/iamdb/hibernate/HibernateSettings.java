package dev.iamdb.hibernate;

import dev.iamdb.IamConfig;
import dev.iamdb.IamConfigException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.engine.jdbc.connections.internal.ConnectionProviderInitiator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Reads the settings Hibernate users already write: the URL and user under their Hibernate and JPA
 * names, driver and iamdb properties under {@code hibernate.connection.}, pool settings under
 * {@code hibernate.hikari.} (as {@code hibernate-hikaricp} reads them).
 */
final class HibernateSettings {
    static final String CONNECTION_PREFIX = "hibernate.connection.";
    static final String HIKARI_PREFIX = "hibernate.hikari.";

    // The order hibernate-hikaricp consults them in: the first one set wins.
    private static final List<String> URL_KEYS = List.of(
            "jakarta.persistence.jdbc.url", "hibernate.connection.url", "javax.persistence.jdbc.url");
    private static final List<String> USER_KEYS = List.of(
            "jakarta.persistence.jdbc.user", "hibernate.connection.username", "javax.persistence.jdbc.user");
    private static final List<String> PASSWORD_KEYS = List.of(
            "jakarta.persistence.jdbc.password", "hibernate.connection.password", "javax.persistence.jdbc.password");

    /**
     * {@code hibernate.connection.*} settings that configure Hibernate itself, not the driver; Hibernate's
     * own providers do not pass them to the driver either.
     */
    private static final Set<String> HIBERNATE_OWN = Set.of("hibernate.connection.url", "hibernate.connection.username",
            "hibernate.connection.password", "hibernate.connection.driver_class", "hibernate.connection.datasource",
            "hibernate.connection.provider_class", "hibernate.connection.pool_size", "hibernate.connection.isolation",
            "hibernate.connection.autocommit", "hibernate.connection.provider_disables_autocommit",
            "hibernate.connection.handling_mode");

    private static final String CREDENTIALS_PROVIDER = CONNECTION_PREFIX + "awsCredentialsProvider";

    private HibernateSettings() {
    }

    /** The iamdb configuration; throws {@link IamConfigException} naming a bad setting. */
    static IamConfig iamConfig(Map<String, Object> settings, Clock clock) {
        rejectPassword(settings);
        String url = first(settings, URL_KEYS);
        if (url == null) {
            throw new IamConfigException("hibernate.connection.url", "No JDBC URL: set hibernate.connection.url (or jakarta.persistence.jdbc.url) to "
                    + "a URL such as jdbc:postgresql://<cluster-id>.dsql.us-east-1.on.aws:5432/postgres.");
        }
        IamConfig.Builder b = IamConfig.builder().url(url).clock(clock);
        String user = first(settings, USER_KEYS);
        if (user != null) {
            b.property("user", user);
        }
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (!key.startsWith(CONNECTION_PREFIX) || HIBERNATE_OWN.contains(key)) {
                continue;
            }
            if (key.equals(CREDENTIALS_PROVIDER) && value instanceof AwsCredentialsProvider provider) {
                b.credentialsProvider(provider);
            } else if (value instanceof String text) {
                // Like Hibernate's own providers, only text values are connection properties.
                b.property(key.substring(CONNECTION_PREFIX.length()), text);
            }
        }
        return b.build();
    }

    /** HikariCP settings by their HikariCP names, plus the Hibernate settings hibernate-hikaricp maps onto them. */
    static Map<String, String> poolSettings(Map<String, Object> settings) {
        Map<String, String> pool = new LinkedHashMap<>();
        Object autocommit = settings.get("hibernate.connection.autocommit");
        if (autocommit != null) {
            pool.put("autoCommit", autocommit.toString());
        }
        Integer isolation = ConnectionProviderInitiator.extractIsolation(settings);
        if (isolation != null) {
            pool.put("transactionIsolation", ConnectionProviderInitiator.toIsolationConnectionConstantName(isolation));
        }
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            if (e.getKey().startsWith(HIKARI_PREFIX) && e.getValue() != null) {
                pool.put(e.getKey().substring(HIKARI_PREFIX.length()), e.getValue().toString());
            }
        }
        return pool;
    }

    private static void rejectPassword(Map<String, Object> settings) {
        for (String key : PASSWORD_KEYS) {
            if (settings.get(key) != null) {
                throw new IamConfigException(key, "Setting " + key
                        + " is configured, but iamdb logs in with short-lived IAM auth tokens instead of a password: remove "
                        + key + " and grant the IAM identity access to the database user.");
            }
        }
    }

    private static String first(Map<String, Object> settings, List<String> keys) {
        for (String key : keys) {
            Object value = settings.get(key);
            if (value != null) {
                return value.toString();
            }
        }
        return null;
    }
}
