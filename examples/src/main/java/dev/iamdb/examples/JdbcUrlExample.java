package dev.iamdb.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * Plain JDBC through HikariCP with a {@code jdbc:iamdb:postgresql:} URL, configured by {@code hikari.properties}
 * (beside this class): iamdb's JDBC driver signs a token for each connection HikariCP opens. Anything that
 * takes a JDBC URL works the same way. See {@code docs/jdbc-url.md}.
 *
 * <pre>IAMDB_ENDPOINT=abc123.dsql.us-east-1.on.aws IAMDB_USER=app java -cp examples/target/iamdb-demo.jar dev.iamdb.examples.JdbcUrlExample</pre>
 */
public final class JdbcUrlExample {
    private JdbcUrlExample() {
    }

    public static void main(String[] args) throws SQLException {
        System.out.println(run(Target.fromCommandLine(args, System.getenv())));
    }

    /** Writes and reads a guestbook entry with plain JDBC. The driver's token counters are not exposed. */
    public static Visit run(Target target) throws SQLException {
        Properties settings = Resources.properties("hikari.properties");
        settings.setProperty("jdbcUrl", target.iamdbUrl());
        settings.setProperty("username", target.user());
        try (HikariDataSource pool = new HikariDataSource(new HikariConfig(settings));
             Connection c = pool.getConnection()) {
            UUID id = UUID.randomUUID();
            try (PreparedStatement insert = c.prepareStatement("insert into guestbook (id, author, message) values (?, ?, ?)")) {
                insert.setObject(1, id);
                insert.setString(2, "JDBC");
                insert.setString(3, "Hello from JDBC");
                insert.executeUpdate();
            }
            return new Visit(single(c, "select current_user", null), single(c, "select message from guestbook where id = ?", id),
                    Long.parseLong(single(c, "select count(*) from guestbook", null)), Optional.empty());
        }
    }

    private static String single(Connection c, String sql, Object parameter) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(sql)) {
            if (parameter != null) {
                query.setObject(1, parameter);
            }
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }
}
