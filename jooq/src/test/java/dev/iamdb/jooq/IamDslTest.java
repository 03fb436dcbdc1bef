package dev.iamdb.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.IamConfig;
import dev.iamdb.IamConfigException;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.ManualClock;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.jooq.CloseableDSLContext;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.DataSourceConnectionProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** IamDsl with real jOOQ and pgjdbc, against the testkit's IAM-verifying PostgreSQL. */
class IamDslTest {
    static final Identity IDENTITY = Identity.of("AKIAJOOQEXAMPLE00001", "jooq-test-secret-not-real",
            Identity.DEFAULT_PRINCIPAL_ARN);

    private static final Field<Integer> ID = field(name("id"), Integer.class);

    private static final ManualClock clock = new ManualClock(Instant.now());
    private static LocalIamDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().identity(IDENTITY).clock(clock).start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void clearDecisions() {
        db.clearDecisions();
    }

    /** Loopback to the testkit, the token signed for its emulated DSQL endpoint, its CA verified. */
    private static String url() {
        return db.iamdbJdbcUrl();
    }

    /** A small pool: two connections at most. */
    private static IamConfig config() {
        return IamConfig.builder().url(url()).property("user", "admin").property("pool.maximumPoolSize", 2)
                .credentialsProvider(TestkitConfigs.credentials(IDENTITY))
                .clock(clock).build();
    }

    private static IamPooledDataSource pool(DSLContext dsl) throws SQLException {
        return ((DataSourceConnectionProvider) dsl.configuration().connectionProvider()).dataSource()
                .unwrap(IamPooledDataSource.class);
    }

    private static Table<?> newTable(DSLContext dsl, String name) {
        Table<?> t = table(name(name));
        dsl.dropTableIfExists(t).execute();
        dsl.createTable(t).column(ID).execute();
        return t;
    }

    private static int count(DSLContext dsl, Table<?> t) {
        return dsl.fetchCount(t);
    }

    /**
     * Subtransactions open in this session, as the PostgreSQL backend counts them: a SAVEPOINT followed
     * by a write shows up here, whatever client code set it.
     */
    private static int backendSubtransactions(DSLContext dsl) {
        return dsl.fetchSingle("select (pg_stat_get_backend_subxact(b)).subxact_count from pg_stat_get_backend_idset() b"
                + " where pg_stat_get_backend_pid(b) = pg_backend_pid()").get(0, Integer.class);
    }

    @Test
    void readsAndWritesAsTheConfiguredRole() {
        try (CloseableDSLContext dsl = IamDsl.create(config())) {
            assertThat(dsl.dialect()).isEqualTo(SQLDialect.POSTGRES);
            Table<?> t = newTable(dsl, "jooq_read_write");

            assertThat(dsl.insertInto(t).columns(ID).values(1).values(2).execute()).isEqualTo(2);

            assertThat(dsl.select(ID).from(t).orderBy(ID).fetch(ID)).containsExactly(1, 2);
            assertThat(dsl.fetchValue("select current_user")).isEqualTo("admin");
        }
        assertThat(db.decisions()).isNotEmpty().allMatch(AuthDecision::accepted);
    }

    @Test
    void transactionResultCommitsAndRollsBack() {
        try (CloseableDSLContext dsl = IamDsl.create(config())) {
            Table<?> t = newTable(dsl, "jooq_tx");

            int inserted = dsl.transactionResult(tx -> tx.dsl().insertInto(t).columns(ID).values(1).execute());
            assertThatThrownBy(() -> dsl.transactionResult(tx -> {
                tx.dsl().insertInto(t).columns(ID).values(2).execute();
                throw new IllegalStateException("business rule broken");
            })).isInstanceOf(IllegalStateException.class);

            assertThat(inserted).isEqualTo(1);
            assertThat(dsl.select(ID).from(t).fetch(ID)).containsExactly(1);
        }
    }

    @Test
    void nestedTransactionSetsNoSavepoint() throws SQLException {
        try (CloseableDSLContext dsl = IamDsl.create(config())) {
            Table<?> t = newTable(dsl, "jooq_nested_savepoint");
            // The same nested block through jOOQ's default transaction provider shows the probe sees savepoints.
            DSLContext withSavepoints = DSL.using(pool(dsl), SQLDialect.POSTGRES);

            int ours = dsl.transactionResult(outer -> outer.dsl().transactionResult(inner -> {
                inner.dsl().insertInto(t).columns(ID).values(1).execute();
                return backendSubtransactions(inner.dsl());
            }));
            int jooqDefault = withSavepoints.transactionResult(outer -> outer.dsl().transactionResult(inner -> {
                inner.dsl().insertInto(t).columns(ID).values(2).execute();
                return backendSubtransactions(inner.dsl());
            }));

            assertThat(ours).isZero();
            assertThat(jooqDefault).isEqualTo(1);
        }
    }

    /** On a testkit that refuses SQL Aurora DSQL refuses, jOOQ's default nested transaction fails where ours works. */
    @Test
    void nestedTransactionsWorkWhereSavepointsAreRefused() throws SQLException {
        try (LocalIamDatabase strict = LocalIamDatabase.builder().identity(IDENTITY).clock(clock).rejectUnsupportedSql(true).start();
             CloseableDSLContext dsl = IamDsl.create(IamConfig.builder()
                     .url(strict.iamdbJdbcUrl())
                     .property("user", "admin")
                     .property("pool.maximumPoolSize", 2)
                     .credentialsProvider(TestkitConfigs.credentials(IDENTITY))
                     .clock(clock).build())) {
            Table<?> t = newTable(dsl, "jooq_nested_strict");
            dsl.transaction(outer -> outer.dsl().transaction(inner -> inner.dsl().insertInto(t).columns(ID).values(1).execute()));
            assertThat(count(dsl, t)).isEqualTo(1);

            DSLContext withSavepoints = DSL.using(pool(dsl), SQLDialect.POSTGRES);
            assertThatThrownBy(() -> withSavepoints.transaction(outer -> outer.dsl().transaction(inner -> { })))
                    .rootCause().isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getSQLState()).as("feature_not_supported, as on Aurora DSQL").isEqualTo("0A000"));
        }
    }

    @Test
    void nestedTransactionWorkCommitsAndRollsBackWithTheOuterOne() {
        try (CloseableDSLContext dsl = IamDsl.create(config())) {
            Table<?> t = newTable(dsl, "jooq_nested_joins");

            assertThatThrownBy(() -> dsl.transaction(outer -> {
                outer.dsl().transaction(inner -> inner.dsl().insertInto(t).columns(ID).values(1).execute());
                throw new IllegalStateException("outer fails after the nested one committed");
            })).isInstanceOf(IllegalStateException.class);
            assertThat(count(dsl, t)).as("the nested insert is rolled back with the outer transaction").isZero();

            dsl.transaction(outer -> {
                outer.dsl().insertInto(t).columns(ID).values(2).execute();
                try {
                    outer.dsl().transaction(inner -> {
                        inner.dsl().insertInto(t).columns(ID).values(3).execute();
                        throw new IllegalStateException("nested fails");
                    });
                } catch (IllegalStateException expected) {
                    // Without a savepoint there is nothing to roll back to: the nested work stays in the outer transaction.
                }
            });
            assertThat(dsl.select(ID).from(t).orderBy(ID).fetch(ID)).containsExactly(2, 3);
        }
    }

    @Test
    void opensNewConnectionsWithAFreshTokenAfterTheReuseWindow() throws SQLException {
        try (CloseableDSLContext dsl = IamDsl.create(config())) {
            IamPooledDataSource pool = pool(dsl);
            int before = dsl.fetchValue(field("pg_backend_pid()", Integer.class));
            long signedBefore = pool.tokenProvider().tokensSigned();

            // Past the 870 s reuse window and the 900 s lifetime: the first token is now refused by the testkit.
            clock.advance(Duration.ofMinutes(16));
            db.clearDecisions();
            pool.unwrap(HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();
            int after = dsl.fetchValue(field("pg_backend_pid()", Integer.class));

            assertThat(after).as("a new physical connection").isNotEqualTo(before);
            assertThat(pool.tokenProvider().tokensSigned()).isGreaterThan(signedBefore);
            assertThat(db.decisions()).isNotEmpty().allMatch(AuthDecision::accepted);
        }
    }

    @Test
    void closeClosesThePoolAndTheCredentialsProviderIamdbCreated() throws SQLException {
        Properties settings = new Properties();
        settings.setProperty("user", "admin");
        settings.setProperty("awsCredentialsProvider", RecordingCredentialsProvider.class.getName());
        int created = RecordingCredentialsProvider.CREATED.size();

        CloseableDSLContext dsl = IamDsl.create(url(), settings);
        IamPooledDataSource pool = pool(dsl);
        assertThat(dsl.fetchValue(DSL.inline(1))).isEqualTo(1);
        RecordingCredentialsProvider credentials = RecordingCredentialsProvider.CREATED.get(created);
        assertThat(credentials.closed()).isFalse();

        dsl.close();

        assertThat(pool.isClosed()).isTrue();
        assertThat(credentials.closed()).isTrue();
        assertThatThrownBy(() -> dsl.fetchValue("select 1")).isInstanceOf(DataAccessException.class);
    }

    @Test
    void usesAnApplicationOwnedPoolAndLeavesItOpen() {
        try (IamPooledDataSource pool = new IamPooledDataSource(config())) {
            DSLContext dsl = IamDsl.create(pool);
            Table<?> t = newTable(dsl, "jooq_app_pool");

            dsl.transaction(outer -> outer.dsl().transaction(inner -> inner.dsl().insertInto(t).columns(ID).values(1).execute()));

            assertThat(count(dsl, t)).isEqualTo(1);
            assertThat(dsl).isNotInstanceOf(AutoCloseable.class);
            assertThat(pool.isClosed()).isFalse();
        }
    }

    @Test
    void rejectsADataSourceThatDoesNotLogInWithIam() {
        PGSimpleDataSource plain = new PGSimpleDataSource();

        assertThatThrownBy(() -> IamDsl.create(plain))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(PGSimpleDataSource.class.getName())
                .hasMessageContaining("IamPooledDataSource");
    }

    @Test
    void badSettingsFailAtCreationNamingTheProperty() {
        Properties settings = new Properties();
        settings.setProperty("user", "admin");
        settings.setProperty("iamRegion", "us-east");

        assertThatThrownBy(() -> IamDsl.create(url(), settings))
                .isInstanceOfSatisfying(IamConfigException.class, e -> assertThat(e.property()).isEqualTo("iamRegion"))
                .hasMessageContaining("us-east");
    }

    @Test
    void badPoolSettingsFailAtCreation() {
        Properties settings = new Properties();
        settings.setProperty("user", "admin");
        settings.setProperty("pool.password", "secret");
        assertThatThrownBy(() -> IamDsl.create(url(), settings))
                .isInstanceOfSatisfying(IamConfigException.class, e -> assertThat(e.property()).isEqualTo("pool.password"))
                .hasMessageNotContaining("secret");
    }
}
