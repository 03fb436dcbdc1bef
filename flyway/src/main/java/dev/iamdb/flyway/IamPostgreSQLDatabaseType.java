package dev.iamdb.flyway;

import dev.iamdb.IamDriver;
import java.sql.Connection;
import org.flywaydb.database.postgresql.PostgreSQLDatabaseType;

/**
 * Lets URL-driven Flyway runs (configuration files and maps, the Maven plugin, any Flyway front end that loads
 * plugins from its class path) connect with {@code jdbc:iamdb:postgresql://…} URLs. Flyway picks the
 * JDBC driver from the URL and knows no wrapper URLs; this plugin, registered through
 * {@code META-INF/services/org.flywaydb.core.extensibility.Plugin}, claims {@code jdbc:iamdb:postgresql:}
 * and names {@link IamDriver}, which logs in to pgjdbc with IAM auth tokens.
 *
 * <p>It does not choose how Flyway treats the database: that is decided from the open connection, as for
 * any URL, by Flyway's PostgreSQL support or, when {@code flyway-database-dsql} is present and recognises
 * the endpoint, by its Aurora DSQL support. Everything else is PostgreSQL's: connection defaults
 * ({@code ApplicationName}) and URL redaction in logs.
 */
public class IamPostgreSQLDatabaseType extends PostgreSQLDatabaseType {
    private static final String URL_PREFIX = IamDriver.URL_PREFIX + "postgresql:";

    @Override
    public String getName() {
        return "PostgreSQL through iamdb";
    }

    @Override
    public boolean handlesJDBCUrl(String url) {
        // Case-insensitive, as IamDriver.acceptsURL: a URL the driver takes must not fall through to another type.
        return url.regionMatches(true, 0, URL_PREFIX, 0, URL_PREFIX.length());
    }

    @Override
    public String getDriverClass(String url, ClassLoader classLoader) {
        return IamDriver.class.getName();
    }

    /** False: the connection is pgjdbc's, so Flyway's PostgreSQL (or Aurora DSQL) support takes it. */
    @Override
    public boolean handlesDatabaseProductNameAndVersion(String databaseProductName, String databaseProductVersion,
            Connection connection) {
        return false;
    }

    /** False: iamdb supplies the password, so a {@code .pgpass} entry must not be read and sent. */
    @Override
    public boolean externalAuthPropertiesRequired(String url, String username, String password) {
        return false;
    }

    /** False: iamdb supplies the password, so the command line must not prompt for one. */
    @Override
    public boolean detectPasswordRequiredByUrl(String url) {
        return false;
    }
}
