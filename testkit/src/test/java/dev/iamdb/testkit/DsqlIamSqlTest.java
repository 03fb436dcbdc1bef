package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static dev.iamdb.testkit.DsqlGatewayTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Aurora DSQL's {@code AWS IAM GRANT}/{@code REVOKE} and {@code sys.iam_pg_role_mappings} through SQL, over
 * pgjdbc's simple and extended query protocols, agreeing with {@link LocalIamDatabase#grant}/{@code revoke}.
 */
class DsqlIamSqlTest {

    static final String ORDERS_ARN = "arn:aws:iam::111122223333:role/orders-service";
    static final Identity owner = Identity.generate();
    static final Identity orders = Identity.of("AKIAORDERSSERVICE001", "orders-secret", ORDERS_ARN);
    static LocalIamDatabase db;

    /** docs/testing.md shows this script; {@link #guideScriptRunsAsShown} runs it as admin through the gateway. */
    static final String GUIDE_SCRIPT = """
            CREATE ROLE orders WITH LOGIN;
            AWS IAM GRANT orders TO 'arn:aws:iam::111122223333:role/orders-service';
            SELECT pg_role_name, arn, grantor_pg_role_name FROM sys.iam_pg_role_mappings WHERE pg_role_name = 'orders';
            """;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().identities(owner, orders).role("app").start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void guideScriptRunsAsShown() throws SQLException {
        try (Connection admin = connect("extended", "admin", owner); Statement s = admin.createStatement()) {
            s.execute(GUIDE_SCRIPT);
            s.getMoreResults();
            assertThat(s.getMoreResults()).as("the third statement returns rows").isTrue();
            ResultSet rs = s.getResultSet();
            assertThat(rs).as("the SELECT's result").isNotNull();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3))
                    .isEqualTo("orders " + ORDERS_ARN + " admin");
        }
        connect("extended", "orders", orders).close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void grantThroughSqlLetsThePrincipalInAndRevokeShutsItOut(String mode) throws SQLException {
        String role = "orders_" + mode;
        try (Connection admin = connect(mode, "admin", owner); Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE " + role + " WITH LOGIN");
            assertThat(loginFails(role, orders)).contains("not granted to " + ORDERS_ARN);

            // executeUpdate: like DSQL, the statement returns no result set.
            s.executeUpdate("AWS IAM GRANT " + role + " TO '" + ORDERS_ARN + "'");
            try (Connection c = connect(mode, role, orders)) {
                assertThat(query(c, "select current_user")).isEqualTo(role);
            }

            s.executeUpdate("aws iam revoke " + role.toUpperCase() + " from '" + ORDERS_ARN + "';");
            assertThat(loginFails(role, orders)).contains("not granted to " + ORDERS_ARN);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void viewListsMappingsMadeBySqlAndByTheApiToEveryone(String mode) throws SQLException {
        String byApi = "api_" + mode;
        String bySql = "Sql Role " + mode;
        db.createRole(byApi);
        db.grant(byApi, ORDERS_ARN);
        try (Connection admin = connect(mode, "admin", owner); Statement s = admin.createStatement()) {
            // A quoted name keeps its case; comments before the statement and several statements in one string.
            s.execute("CREATE ROLE \"" + bySql + "\" WITH LOGIN; /* map it */ AWS IAM GRANT \"" + bySql + "\" TO '"
                    + ORDERS_ARN + "'");
        }
        try (Connection app = connect(mode, "app", owner); Statement s = app.createStatement();
                ResultSet rs = s.executeQuery("SELECT m.iam_oid, m.arn, m.pg_role_name, m.grantor_pg_role_name,"
                        + " m.pg_role_oid = r.oid, m.grantor_pg_role_oid = a.oid"
                        + " FROM sys.iam_pg_role_mappings m JOIN pg_roles r ON r.rolname = m.pg_role_name"
                        + " JOIN pg_roles a ON a.rolname = 'admin'"
                        + " WHERE m.pg_role_name IN ('" + byApi + "', '" + bySql + "') AND m.arn = '" + ORDERS_ARN + "'"
                        + " ORDER BY m.pg_role_name")) {
            List<String> rows = new ArrayList<>();
            List<Long> iamOids = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " " + rs.getBoolean(5) + " "
                        + rs.getBoolean(6));
                iamOids.add(rs.getLong(1));
            }
            assertThat(rows).containsExactly(ORDERS_ARN + " " + bySql + " admin true true",
                    ORDERS_ARN + " " + byApi + " admin true true");
            assertThat(iamOids.get(0)).as("one iam_oid per principal").isEqualTo(iamOids.get(1));
        }
        db.revoke(byApi, ORDERS_ARN);
        try (Connection app = connect(mode, "app", owner)) {
            assertThat(query(app, "select count(*) from sys.iam_pg_role_mappings where pg_role_name = '" + byApi
                    + "' and arn = '" + ORDERS_ARN + "'"))
                    .isEqualTo("0");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void grantsInsideABatchAndInAStatementSpanningManyReads(String mode) throws SQLException {
        String batched = "batched_" + mode;
        String padded = "padded_" + mode;
        try (Connection admin = connect(mode, "admin", owner); Statement s = admin.createStatement()) {
            // One pipelined write: the rewritten message sits between messages that pass unchanged.
            s.addBatch("CREATE ROLE " + batched + " WITH LOGIN");
            s.addBatch("AWS IAM GRANT " + batched + " TO '" + ORDERS_ARN + "'");
            s.addBatch("CREATE ROLE " + padded + " WITH LOGIN");
            s.executeBatch();
            // Far larger than the relay's buffer, so the gateway assembles it from many reads.
            s.execute("/* " + "padding ".repeat(40_000) + "*/ AWS IAM GRANT " + padded + " TO '" + ORDERS_ARN + "'");
        }
        connect(mode, batched, orders).close();
        connect(mode, padded, orders).close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void onlyAdminMayMapPrincipals(String mode) throws SQLException {
        try (Connection app = connect(mode, "app", owner); Statement s = app.createStatement()) {
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> s.execute("AWS IAM GRANT app TO '" + ORDERS_ARN + "'"));
            assertThat(e.getSQLState()).isEqualTo("42501");
            assertThat(e.getMessage()).contains("AWS IAM GRANT").contains("only admin");

            e = catchThrowableOfType(SQLException.class,
                    () -> s.execute("CALL sys.aws_iam_revoke('admin', '" + owner.principalArn() + "')"));
            assertThat(e.getSQLState()).isEqualTo("42501");

            e = catchThrowableOfType(SQLException.class,
                    () -> s.execute("INSERT INTO sys.iam_principal (arn) VALUES ('" + ORDERS_ARN + "')"));
            assertThat(e.getSQLState()).isEqualTo("42501");
        }
        assertThat(loginFails("app", orders)).contains("not granted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void reportsMissingRoleAndBadSyntaxLikeAServer(String mode) throws SQLException {
        try (Connection admin = connect(mode, "admin", owner); Statement s = admin.createStatement()) {
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> s.execute("AWS IAM GRANT nobody TO '" + ORDERS_ARN + "'"));
            assertThat(e.getSQLState()).isEqualTo("42704");
            assertThat(e.getMessage()).contains("role \"nobody\" does not exist");

            e = catchThrowableOfType(SQLException.class, () -> s.execute("AWS IAM GRANT app FROM '" + ORDERS_ARN + "'"));
            assertThat(e.getSQLState()).isEqualTo("42601");
            assertThat(e.getMessage()).contains("AWS IAM GRANT role TO 'arn'");
        }
    }

    @Test
    void unsupportedSqlPassesUnlessRejectionIsSwitchedOn() throws SQLException {
        try (Connection admin = connect("extended", "admin", owner); Statement s = admin.createStatement()) {
            admin.setAutoCommit(false);
            s.execute("CREATE TEMP TABLE scratch (i int)");
            admin.setSavepoint();
            assertThat(query(admin, "select pg_try_advisory_xact_lock(7)")).isEqualTo("t");
            admin.rollback();
        }
    }

    @Test
    void rejectionNeedsDsql() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> LocalIamDatabase.builder().service(Service.RDS).rejectUnsupportedSql(true).start());
        assertThat(e.getMessage()).contains("rejectUnsupportedSql").contains("DSQL").contains("RDS");
    }

    static Connection connect(String mode, String user, Identity id) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl() + "&preferQueryMode=" + mode, props(user, Tokens.dsql(db, id, user)));
    }

    private static String loginFails(String user, Identity id) {
        SQLException e = catchThrowableOfType(SQLException.class, () -> connect("extended", user, id).close());
        assertThat((Throwable) e).as("login as %s should be refused", user).isNotNull();
        assertThat(e.getSQLState()).isEqualTo("28000");
        return e.getMessage();
    }
}
