package dev.iamdb.spring;

import dev.iamdb.TokenProvider;
import java.util.function.Predicate;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code iamdb} health contributor on Boot 3.5's health API ({@code spring-boot-actuator}'s
 * {@code org.springframework.boot.actuate.health}, which Boot 4 moved to {@code spring-boot-health}): the same
 * {@link CredentialsHealth} as {@link IamdbHealthIndicator}.
 */
final class Boot3HealthIndicator implements HealthIndicator {
    private final Predicate<? super TokenProvider> providers;

    Boot3HealthIndicator(Predicate<? super TokenProvider> providers) {
        this.providers = providers;
    }

    @Override
    public Health health() {
        CredentialsHealth health = CredentialsHealth.check(providers);
        return (health.up() ? Health.up() : Health.down()).withDetail("configurations", health.configurations()).build();
    }
}
