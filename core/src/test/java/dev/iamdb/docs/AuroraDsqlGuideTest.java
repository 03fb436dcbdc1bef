package dev.iamdb.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.IamConfig;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.TransactionRetry;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The JDBC retry of docs/aurora-dsql.md against the IAM-verifying PostgreSQL. The testkit's conflicts arise at the
 * conflicting statement; here a deferred constraint trigger fails the first commits the way Aurora DSQL does: at
 * COMMIT, with SQLSTATE 40001 and DSQL's OC000 message. A sequence counts commit attempts, because it is not rolled
 * back.
 */
class AuroraDsqlGuideTest {
    @RegisterExtension
    static final LocalIamDatabaseExtension DB = new LocalIamDatabaseExtension(LocalIamDatabase.builder());

    private static IamPooledDataSource orders;

    @BeforeAll
    static void pool(LocalIamDatabase db) throws SQLException {
        IamConfig config = IamConfig.builder()
                .url(db.iamdbJdbcUrl())
                .property("user", "admin")
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(db.identity().accessKeyId(), db.identity().secretAccessKey())))
                .build();
        orders = new IamPooledDataSource(config);
        execute("CREATE TABLE stock (item text PRIMARY KEY, quantity int NOT NULL)",
                "CREATE TABLE conflict_plan (failures int NOT NULL)",
                "CREATE SEQUENCE commit_attempts",
                """
                CREATE FUNCTION simulate_occ() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF nextval('commit_attempts') <= (SELECT failures FROM conflict_plan) THEN
                    RAISE EXCEPTION 'mutation conflicts with another transaction, retry as needed (OC000)'
                      USING ERRCODE = '40001';
                  END IF;
                  RETURN NULL;
                END $$""",
                "CREATE CONSTRAINT TRIGGER occ AFTER UPDATE ON stock DEFERRABLE INITIALLY DEFERRED "
                        + "FOR EACH ROW EXECUTE FUNCTION simulate_occ()");
    }

    @AfterAll
    static void close() {
        orders.close();
    }

    @BeforeEach
    void stock() throws SQLException {
        execute("DELETE FROM stock", "INSERT INTO stock VALUES ('book', 10)", "DELETE FROM conflict_plan",
                "SELECT setval('commit_attempts', 1, false)");
    }

    /** The guide's retry, pausing for nothing: the pauses are recorded instead. */
    private final List<Duration> pauses = new ArrayList<>();
    private final TransactionRetry retry = Transactions.RETRY.withSleeper(pauses::add);

    @Test
    void conflictsAtCommitAreRetriedUntilTheTransactionCommitsOnce() throws SQLException {
        execute("INSERT INTO conflict_plan VALUES (2)");

        assertThat(Transactions.takeOne(orders, retry, "book")).isTrue();

        assertThat(query("SELECT quantity FROM stock WHERE item = 'book'")).isEqualTo(9);
        assertThat(query("SELECT last_value FROM commit_attempts")).isEqualTo(3);
        assertThat(pauses).hasSize(2);
    }

    @Test
    void givesUpAfterTheRetriesWithTheConflict() throws SQLException {
        execute("INSERT INTO conflict_plan VALUES (100)");
        AtomicInteger attempts = new AtomicInteger();
        TransactionRetry patient = Transactions.patient(new TransactionRetry.Listener() {
            @Override
            public void finished(int n, boolean committed) {
                attempts.set(n);
            }
        }).withSleeper(pauses::add);

        assertThatThrownBy(() -> Transactions.takeOne(orders, patient, "book"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("40001"))
                .hasMessageContaining("OC000");

        assertThat(query("SELECT quantity FROM stock WHERE item = 'book'")).isEqualTo(10);
        assertThat(query("SELECT last_value FROM commit_attempts")).isEqualTo(6);
        assertThat(attempts).hasValue(6);
        assertThat(pauses).hasSize(5);
    }

    @Test
    void otherErrorsAreNotRetried() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> retry.inTransaction(orders, c -> {
            attempts.incrementAndGet();
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("INSERT INTO stock VALUES ('book', 1)");
            }
        })).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));

        assertThat(attempts).hasValue(1);
    }

    /** The guide's reason for leaving maxLifetime alone: iamdb's pool already retires connections at 55 minutes. */
    @Test
    void poolRetiresConnectionsBeforeDsqlsSixtyMinuteLimit() throws SQLException {
        assertThat(Duration.ofMillis(orders.unwrap(HikariDataSource.class).getMaxLifetime())).isEqualTo(Duration.ofMinutes(55));
        assertThat(Guides.guide("aurora-dsql.md")).contains("`maxLifetime` to 55 minutes");
    }

    private static void execute(String... statements) throws SQLException {
        try (Connection c = orders.getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static long query(String sql) throws SQLException {
        try (Connection c = orders.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
