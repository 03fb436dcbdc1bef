package dev.iamdb.flyway;

import dev.iamdb.IamConfig;
import dev.iamdb.IamDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Flyway configurations whose connections log in with IAM auth tokens, for applications that run
 * migrations through Flyway's Java API:
 *
 * <pre>{@code
 * try (IamFlyway iam = new IamFlyway(config)) {
 *     iam.configure().locations("classpath:db/migration").load().migrate();
 * }
 * }</pre>
 *
 * <p>The data source is an unpooled {@link IamDataSource}: every connection Flyway opens is a new
 * physical connection with a current token, taken from the token cache or signed afresh, so a run that
 * outlasts a token still logs in. Flyway holds the few connections of a run for the whole run and closes
 * them at its end; a pool would only keep them open afterwards.
 *
 * <p>The instance owns the credentials provider iamdb built for {@code config}: close it once the
 * migrations (and any {@code info()} or {@code validate()} calls) are done. An {@code awsCredentialsProvider}
 * instance given to the configuration stays the caller's.
 */
public final class IamFlyway implements AutoCloseable {
    private final IamDataSource dataSource;

    /** Builds the data source and its token provider; no connection is opened until Flyway asks for one. */
    public IamFlyway(IamConfig config) {
        this.dataSource = new IamDataSource(config);
    }

    /**
     * A new Flyway configuration that connects through {@link #dataSource()}; add locations and other
     * settings, then {@code load()}.
     */
    public FluentConfiguration configure() {
        return Flyway.configure().dataSource(dataSource);
    }

    /** The data source Flyway connects through, for a {@code FluentConfiguration} built elsewhere and for its counters. */
    public IamDataSource dataSource() {
        return dataSource;
    }

    /** Releases the token provider and the credentials provider iamdb created. */
    @Override
    public void close() {
        dataSource.close();
    }

    @Override
    public String toString() {
        return "IamFlyway[" + dataSource + "]";
    }
}
