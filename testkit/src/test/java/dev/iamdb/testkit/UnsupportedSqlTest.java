package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static dev.iamdb.testkit.DsqlGatewayTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code rejectUnsupportedSql(true)}: what Aurora DSQL refuses fails with 0A000, everything else runs as before. */
class UnsupportedSqlTest {

    static LocalIamDatabase db;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalIamDatabase.builder().rejectUnsupportedSql(true).start();
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int PRIMARY KEY, note text)");
            s.execute("ALTER TABLE orders OWNER TO admin");
        }
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    static Stream<Arguments> unsupported() {
        return Stream.of("simple", "extended").flatMap(mode -> Stream.of(
                Arguments.of(mode, "SAVEPOINT before_change", "SAVEPOINT"),
                Arguments.of(mode, "release savepoint before_change", "RELEASE SAVEPOINT"),
                Arguments.of(mode, "RELEASE before_change", "RELEASE SAVEPOINT"),
                Arguments.of(mode, "ROLLBACK TO SAVEPOINT before_change", "ROLLBACK TO SAVEPOINT"),
                Arguments.of(mode, "rollback work to before_change", "ROLLBACK TO SAVEPOINT"),
                Arguments.of(mode, "TRUNCATE orders", "TRUNCATE"),
                Arguments.of(mode, "-- empty it\n/* all of it */ truncate table orders", "TRUNCATE"),
                Arguments.of(mode, "CREATE TEMP TABLE scratch (i int)", "CREATE TEMPORARY TABLE"),
                Arguments.of(mode, "create local temporary table scratch (i int)", "CREATE TEMPORARY TABLE"),
                Arguments.of(mode, "SELECT pg_advisory_lock(42)", "pg_advisory_lock"),
                Arguments.of(mode, "select pg_try_advisory_xact_lock(1, 2)", "pg_try_advisory_xact_lock")));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("unsupported")
    void rejectsWhatAuroraDsqlDoesNotSupport(String mode, String sql, String feature) throws SQLException {
        try (Connection c = connect(mode); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            SQLException e = catchThrowableOfType(SQLException.class, () -> s.execute(sql));
            assertThat((Throwable) e).as(sql).isNotNull();
            assertThat(e.getSQLState()).isEqualTo(DsqlStatements.FEATURE_NOT_SUPPORTED);
            assertThat(e.getMessage()).contains(feature + " is not supported in Aurora DSQL");
            c.rollback();
            // The session goes on as after any failed statement.
            assertThat(query(c, "select count(*) from orders")).isNotNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void rejectsPgjdbcSetSavepoint(String mode) throws SQLException {
        try (Connection c = connect(mode)) {
            c.setAutoCommit(false);
            SQLException e = catchThrowableOfType(SQLException.class, c::setSavepoint);
            assertThat(e.getSQLState()).isEqualTo("0A000");
            assertThat(e.getMessage()).contains("SAVEPOINT is not supported in Aurora DSQL");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void rejectsPreparedAdvisoryLockWithParameters(String mode) throws SQLException {
        try (Connection c = connect(mode); PreparedStatement ps = c.prepareStatement("select pg_advisory_lock(?)")) {
            ps.setLong(1, 42);
            SQLException e = catchThrowableOfType(SQLException.class, ps::execute);
            assertThat(e.getSQLState()).isEqualTo("0A000");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void leavesOrdinarySqlAlone(String mode) throws SQLException {
        String table = "notes_" + mode;
        try (Connection c = connect(mode); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, body text)");
            // The listed keywords inside literals, quoted names, comments and a function body are not statements.
            s.execute("INSERT INTO " + table + " VALUES (1, 'TRUNCATE; SAVEPOINT x; select pg_advisory_lock(1)'),"
                    + " (2, E'it\\'s; TRUNCATE " + table + "'), (3, $q$; ROLLBACK TO SAVEPOINT s; $q$)");
            assertThat(query(c, "select \"pg_advisory_lock\" from (select 1 as \"pg_advisory_lock\") t /* ; truncate */"))
                    .isEqualTo("1");
            s.execute("CREATE FUNCTION reset_" + table + "() RETURNS void LANGUAGE sql AS $$ DELETE FROM " + table
                    + "; $$");
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE id > ?")) {
                ps.setInt(1, 0);
                var rs = ps.executeQuery();
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
            c.setAutoCommit(false);
            s.execute("insert into " + table + " values (4, 'rolled back')");
            c.rollback();
            s.execute("select reset_" + table + "()");
            c.commit();
            assertThat(query(c, "select count(*) from " + table)).isEqualTo("0");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void checksEachStatementOfAMultiStatementString(String mode) throws SQLException {
        String table = "batch_" + mode;
        try (Connection c = connect(mode); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (i int)");
            SQLException e = catchThrowableOfType(SQLException.class, () -> s.execute(
                    "insert into " + table + " values (1); truncate " + table + "; insert into " + table + " values (2)"));
            assertThat(e.getSQLState()).isEqualTo("0A000");
            assertThat(e.getMessage()).contains("TRUNCATE is not supported");
            // One implicit transaction: the first insert is undone with the rejected statement.
            assertThat(query(c, "select count(*) from " + table)).isEqualTo("0");
            s.execute("insert into " + table + " values (1); insert into " + table + " values (2)");
            assertThat(query(c, "select count(*) from " + table)).isEqualTo("2");
        }
    }

    private static Connection connect(String mode) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl() + "&preferQueryMode=" + mode,
                props("admin", Tokens.dsql(db, db.identity(), "admin")));
    }
}
