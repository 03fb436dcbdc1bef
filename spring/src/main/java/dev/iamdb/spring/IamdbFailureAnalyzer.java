package dev.iamdb.spring;

import dev.iamdb.IamConfigException;
import dev.iamdb.IamProperty;
import java.util.stream.Stream;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Turns a wrong iamdb setting, wherever in the start-up it surfaced (the first connection of the pool, Flyway's or
 * Liquibase's), into Boot's "APPLICATION FAILED TO START" report: core's message as the description, and as the action
 * the setting to correct under the name the application wrote it, such as {@code iamdb.iam-token-lifetime} or a
 * parameter of the {@code jdbc:iamdb:} URL.
 */
final class IamdbFailureAnalyzer extends AbstractFailureAnalyzer<IamConfigException> {
    private final Environment environment;

    IamdbFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, IamConfigException cause) {
        String setting = writtenAs(cause.property());
        return new FailureAnalysis("iamdb could not configure the IAM login: " + cause.getMessage(),
                "Correct " + setting + ", following the message above. Every iamdb setting is described in "
                        + "docs/configuration.md; in Spring Boot it is an iamdb.* property or a parameter of the "
                        + "jdbc:iamdb: URL.", cause);
    }

    /** The name the application gave the setting: an {@code iamdb.*} property that is set, else its place in a URL. */
    private String writtenAs(String property) {
        if (property.equals("user")) {
            return "the user (spring.datasource.username, spring.flyway.user or spring.liquibase.user)";
        }
        if (property.equals("password")) {
            return "the password (spring.datasource.password, spring.flyway.password or spring.liquibase.password)";
        }
        return Stream.of(IamProperty.values())
                .filter(p -> p.propertyName().equals(property))
                .map(IamdbSettings::springName)
                .filter(environment::containsProperty)
                .findFirst()
                .orElse(property + " (as set in the jdbc:iamdb: URL of spring.datasource.url, spring.flyway.url or "
                        + "spring.liquibase.url)");
    }
}
