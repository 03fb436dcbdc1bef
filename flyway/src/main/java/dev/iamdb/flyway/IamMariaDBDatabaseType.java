package dev.iamdb.flyway;

import dev.iamdb.IamDriver;
import java.sql.Connection;
import org.flywaydb.database.mysql.mariadb.MariaDBDatabaseType;

/**
 * Lets URL-driven Flyway runs connect with {@code jdbc:iamdb:mariadb://…} URLs (RDS for MariaDB, or MySQL, through
 * MariaDB Connector/J), as {@link IamPostgreSQLDatabaseType} does for PostgreSQL: it claims the URL and names
 * {@link IamDriver}. How Flyway treats the database is decided from the open connection by {@code flyway-mysql}'s
 * own MariaDB or MySQL support; everything else (connection defaults, URL redaction) is MariaDB's.
 */
public class IamMariaDBDatabaseType extends MariaDBDatabaseType {
    private static final String URL_PREFIX = IamDriver.URL_PREFIX + "mariadb:";

    @Override
    public String getName() {
        return "MariaDB through iamdb";
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

    /** False: the connection is MariaDB Connector/J's, so Flyway's MariaDB (or MySQL) support takes it. */
    @Override
    public boolean handlesDatabaseProductNameAndVersion(String databaseProductName, String databaseProductVersion,
            Connection connection) {
        return false;
    }

    /** False: iamdb supplies the password, so no external source of one may be consulted. */
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
