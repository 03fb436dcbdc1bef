package dev.iamdb.spring;

import dev.iamdb.TokenProvider;
import java.util.function.Predicate;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The {@code iamdb} health contributor on Boot 4's health API: {@link CredentialsHealth} of the context's providers. */
final class IamdbHealthIndicator implements HealthIndicator {
    private final Predicate<? super TokenProvider> providers;

    IamdbHealthIndicator(Predicate<? super TokenProvider> providers) {
        this.providers = providers;
    }

    @Override
    public Health health() {
        CredentialsHealth health = CredentialsHealth.check(providers);
        return (health.up() ? Health.up() : Health.down()).withDetail("configurations", health.configurations()).build();
    }
}
