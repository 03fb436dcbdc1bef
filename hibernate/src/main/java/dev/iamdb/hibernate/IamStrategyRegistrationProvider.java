package dev.iamdb.hibernate;

import java.util.List;
import org.hibernate.boot.registry.selector.SimpleStrategyRegistrationImpl;
import org.hibernate.boot.registry.selector.StrategyRegistration;
import org.hibernate.boot.registry.selector.StrategyRegistrationProvider;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;

/**
 * Lets Hibernate resolve {@code hibernate.connection.provider_class=iamdb} to {@link IamConnectionProvider}.
 * Found by Hibernate through {@code META-INF/services}; applications do not use it directly.
 */
public final class IamStrategyRegistrationProvider implements StrategyRegistrationProvider {

    @Override
    @SuppressWarnings("rawtypes")
    public Iterable<StrategyRegistration> getStrategyRegistrations() {
        return List.of(new SimpleStrategyRegistrationImpl<>(ConnectionProvider.class, IamConnectionProvider.class,
                IamConnectionProvider.SHORT_NAME, IamConnectionProvider.class.getName()));
    }
}
