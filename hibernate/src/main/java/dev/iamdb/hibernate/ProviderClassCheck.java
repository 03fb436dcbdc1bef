package dev.iamdb.hibernate;

import dev.iamdb.IamDriver;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.boot.registry.selector.spi.StrategySelector;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.service.spi.ServiceContributor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns, before any connection is opened, when Hibernate is about to log in without IAM although iamdb-hibernate is
 * on the class path: no {@code hibernate.connection.provider_class} is named and another pool integration (such as
 * {@code hibernate-hikaricp}) is registered too, so Hibernate no longer picks iamdb's as the only one, but HikariCP's
 * when {@code hibernate.hikari.*} settings are present, or its own. The login then fails, or uses a password, with
 * nothing pointing at the cause. Found by Hibernate through {@code META-INF/services}; applications do not use it.
 */
public final class ProviderClassCheck implements ServiceContributor {
    private static final Logger log = LoggerFactory.getLogger(ProviderClassCheck.class);
    private static final List<String> DATA_SOURCE_KEYS = List.of("hibernate.connection.datasource",
            "jakarta.persistence.nonJtaDataSource", "jakarta.persistence.jtaDataSource",
            "javax.persistence.nonJtaDataSource", "javax.persistence.jtaDataSource");

    @Override
    public void contribute(StandardServiceRegistryBuilder builder) {
        Map<String, Object> settings = builder.getSettings();
        Object named = settings.get("hibernate.connection.provider_class");
        if ((named != null && !named.toString().isBlank()) || DATA_SOURCE_KEYS.stream().anyMatch(settings::containsKey)) {
            return;
        }
        String urlKey = HibernateSettings.firstKey(settings, HibernateSettings.URL_KEYS);
        // A jdbc:iamdb: URL logs in with IAM through any pool; without a URL there is nothing to log in to.
        if (urlKey == null || settings.get(urlKey).toString().regionMatches(true, 0, IamDriver.URL_PREFIX, 0,
                IamDriver.URL_PREFIX.length())) {
            return;
        }
        Collection<Class<? extends ConnectionProvider>> registered = builder.getBootstrapServiceRegistry()
                .requireService(StrategySelector.class).getRegisteredStrategyImplementors(ConnectionProvider.class);
        if (registered.size() > 1) {
            String others = registered.stream().filter(c -> c != IamConnectionProvider.class).map(Class::getName)
                    .sorted().collect(Collectors.joining(", "));
            log.warn("No hibernate.connection.provider_class is set and other connection providers are on the class path "
                    + "({}), so Hibernate will not use iamdb's: the connections to {} will log in without IAM auth tokens. "
                    + "Set hibernate.connection.provider_class=iamdb.", others, urlKey);
        }
    }
}
