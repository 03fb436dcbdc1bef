package dev.iamdb.flyway;

import dev.iamdb.IamDriver;
import java.sql.Connection;
import org.flywaydb.database.mysql.MySQLDatabaseType;

/**
 * Lets URL-driven Flyway runs connect with {@code jdbc:iamdb:mysql://…} URLs (RDS for MySQL, Aurora MySQL through
 * MySQL Connector/J), as {@link IamPostgreSQLDatabaseType} does for PostgreSQL: it claims the URL and names
 * {@link IamDriver}. How Flyway treats the database is decided from the open connection by {@code flyway-mysql}'s
 * own MySQL or MariaDB support; everything else (connection defaults, URL redaction) is MySQL's.
 */
public class IamMySQLDatabaseType extends MySQLDatabaseType {
    private static final String URL_PREFIX = IamDriver.URL_PREFIX + "mysql:";

    @Override
    public String getName() {
        return "MySQL through iamdb";
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

    /** None: a legacy Connector/J must not be tried with a jdbc:iamdb: URL it cannot read. */
    @Override
    public String getBackupDriverClass(String url, ClassLoader classLoader) {
        return null;
    }

    /** False: the connection is Connector/J's, so Flyway's MySQL (or MariaDB) support takes it. */
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
