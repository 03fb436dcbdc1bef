package dev.iamdb.hibernate;

import dev.iamdb.IamConfig;
import dev.iamdb.IamConfigException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.engine.jdbc.connections.internal.ConnectionProviderInitiator;

/**
 * Reads the settings Hibernate users already write: the URL and user under their Hibernate and JPA
 * names, driver and iamdb properties under {@code hibernate.connection.}, pool settings under
 * {@code hibernate.hikari.} (as {@code hibernate-hikaricp} reads them). Values may be text or, as Hibernate
 * allows, objects of the setting's natural type; every error names the Hibernate key.
 */
final class HibernateSettings {
    static final String CONNECTION_PREFIX = "hibernate.connection.";
    static final String HIKARI_PREFIX = "hibernate.hikari.";

    // The order hibernate-hikaricp consults them in: the first one set wins.
    static final List<String> URL_KEYS = List.of(
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

    private HibernateSettings() {
    }

    /**
     * The iamdb configuration, pool settings included; throws {@link IamConfigException} naming a bad setting by
     * its Hibernate key.
     */
    static IamConfig iamConfig(Map<String, Object> settings, Clock clock) {
        String urlKey = firstKey(settings, URL_KEYS);
        if (urlKey == null) {
            throw new IamConfigException("hibernate.connection.url", "No JDBC URL: set hibernate.connection.url (or jakarta.persistence.jdbc.url) to "
                    + "a URL such as jdbc:postgresql://<cluster-id>.dsql.us-east-1.on.aws:5432/postgres.");
        }
        IamConfig.Builder b = IamConfig.builder().url(settings.get(urlKey).toString(), urlKey).clock(clock);
        String userKey = firstKey(settings, USER_KEYS);
        if (userKey != null) {
            b.property("user", settings.get(userKey), userKey);
        }
        String passwordKey = firstKey(settings, PASSWORD_KEYS);
        if (passwordKey != null) {
            // Core's rule, as for the JDBC driver: an empty password is ignored, any other refused by this key.
            b.property("password", settings.get(passwordKey), passwordKey);
        }
        Object autocommit = settings.get("hibernate.connection.autocommit");
        if (autocommit != null) {
            b.property("pool.autoCommit", autocommit, "hibernate.connection.autocommit");
        }
        Integer isolation = ConnectionProviderInitiator.extractIsolation(settings);
        if (isolation != null) {
            b.property("pool.transactionIsolation", ConnectionProviderInitiator.toIsolationConnectionConstantName(isolation),
                    "hibernate.connection.isolation");
        }
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            String key = e.getKey();
            if (e.getValue() == null) {
                continue;
            }
            if (key.startsWith(CONNECTION_PREFIX) && !HIBERNATE_OWN.contains(key)) {
                b.property(key.substring(CONNECTION_PREFIX.length()), e.getValue(), key);
            } else if (key.startsWith(HIKARI_PREFIX)) {
                b.property("pool." + key.substring(HIKARI_PREFIX.length()), e.getValue(), key);
            }
        }
        return b.build();
    }

    /** The first of {@code keys} that is set, in the order hibernate-hikaricp reads them. */
    static String firstKey(Map<String, Object> settings, List<String> keys) {
        for (String key : keys) {
            if (settings.get(key) != null) {
                return key;
            }
        }
        return null;
    }
}
