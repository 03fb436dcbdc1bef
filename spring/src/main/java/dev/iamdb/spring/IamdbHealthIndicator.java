package dev.iamdb.spring;

import dev.iamdb.CredentialsCheck;
import dev.iamdb.TokenProvider;
import dev.iamdb.TokenProviders;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator health (Boot 4's health API) for iamdb: whether the credentials of every configuration in use resolve now,
 * and how long they stay valid, without opening a database connection or signing a token (see core's
 * {@link TokenProvider#checkCredentials}). Down when any configuration's credentials fail, with the reason, which
 * never holds a secret.
 */
final class IamdbHealthIndicator implements HealthIndicator {
    /** A health check must answer; a credentials source that hangs is reported as a failure after this. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Override
    public Health health() {
        Map<String, String> configurations = new TreeMap<>();
        boolean up = true;
        for (TokenProvider provider : TokenProviders.live()) {
            CredentialsCheck check = provider.checkCredentials(TIMEOUT);
            String name = provider.metrics().user() + "@" + provider.metrics().endpoint();
            if (check.resolved()) {
                configurations.put(name, check.timeLeft().map(left -> "credentials valid for " + left.toSeconds() + " s")
                        .orElse("long-term credentials"));
            } else {
                up = false;
                configurations.put(name, check.problem().orElse("credentials did not resolve"));
            }
        }
        return (up ? Health.up() : Health.down()).withDetail("configurations", configurations).build();
    }
}
