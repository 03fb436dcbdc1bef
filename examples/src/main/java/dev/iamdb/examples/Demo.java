package dev.iamdb.examples;

import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.IamConfig;
import dev.iamdb.IamDataSource;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.ManualClock;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jooq.CloseableDSLContext;
import org.jooq.DSLContext;
import org.jooq.impl.DataSourceConnectionProvider;

/**
 * The demo the README starts with: {@code java -jar examples/target/iamdb-demo.jar}.
 *
 * <p>Without settings it starts the local IAM-verifying PostgreSQL (Aurora DSQL emulation, TLS with
 * {@code verify-full}), migrates it with Flyway as {@code admin}, writes and reads the guestbook through
 * Hibernate, JPA, jOOQ, MyBatis and a {@code jdbc:iamdb:} URL as the custom role {@code app}, skips 16 minutes
 * to show that new connections get a fresh token, and shows a login the server refuses. With
 * {@code IAMDB_ENDPOINT} and {@code IAMDB_USER} (see {@code docs/examples.md}) it runs the same examples
 * against that Aurora DSQL cluster or RDS instance instead, without moving any clock.
 *
 * <p>It prints a short report and exits with 0 only when every step did what it should.
 */
public final class Demo {
    static final String APP = "app";
    static final String UNGRANTED = "reporting";
    private static final String MIGRATION_VERSION = "2";

    private final Report report;
    private final Target admin;
    private final Target app;
    private final ManualClock clock;
    private final String ungrantedRole;
    private final Supplier<List<AuthDecision>> decisions;
    private long entries;

    private Demo(Report report, Target admin, Target app, ManualClock clock, String ungrantedRole,
            Supplier<List<AuthDecision>> decisions) {
        this.report = report;
        this.admin = admin;
        this.app = app;
        this.clock = clock;
        this.ungrantedRole = ungrantedRole;
        this.decisions = decisions;
    }

    public static void main(String[] args) {
        // Before Hibernate loads: its JBoss Logging would otherwise print through java.util.logging.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        System.exit(run(args, System.getenv(), System.out));
    }

    /**
     * Runs the demo and returns its exit status: 0 when every step did what it should, 1 when a step failed
     * (the report names it), 2 when the options or environment variables are wrong.
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out) {
        Options options;
        try {
            options = Options.parse(args, env);
        } catch (IllegalArgumentException e) {
            out.println("iamdb demo: " + e.getMessage());
            return 2;
        }
        Report report = new Report(out);
        return options.aws() ? aws(options, report) : local(report);
    }

    private static int local(Report report) {
        report.title("iamdb demo: Aurora DSQL emulated on this machine, no AWS account needed");
        ManualClock clock = ManualClock.runningFromNow();
        LocalIamDatabase db;
        try {
            db = LocalIamDatabase.builder().identity(LocalCredentials.IDENTITY).role(APP, UNGRANTED).clock(clock).start();
        } catch (RuntimeException e) {
            report.end("FAILED: the local IAM-verifying PostgreSQL did not start: " + e.getMessage());
            return 1;
        }
        try (db) {
            db.revoke(UNGRANTED, LocalCredentials.IDENTITY.principalArn());
            report.fact("endpoint", db.endpoint() + ", served on " + db.host() + ":" + db.port());
            report.fact("TLS", "sslmode=verify-full, trusting the local CA only");
            report.fact("identity", LocalCredentials.IDENTITY.principalArn() + " (fake credentials)");
            report.fact("roles", "admin; " + APP + " (granted to the identity); " + UNGRANTED + " (not granted)");
            return new Demo(report, Target.local(db, "admin"), Target.local(db, APP), clock, UNGRANTED, db::decisions).steps();
        } catch (SQLException e) {
            report.end("FAILED: could not set up the local roles: " + e.getMessage());
            return 1;
        }
    }

    private static int aws(Options options, Report report) {
        report.title("iamdb demo: " + options.endpoint() + (options.region() == null ? "" : " in " + options.region()));
        report.fact("roles", options.adminUser() + " (migrations), " + options.user() + " (the examples)"
                + (options.ungrantedRole() == null ? "" : ", " + options.ungrantedRole() + " (expected to be refused)"));
        report.fact("credentials", "the default AWS credentials chain");
        return new Demo(report, options.target(options.adminUser()), options.target(options.user()), null,
                options.ungrantedRole(), null).steps();
    }

    private int steps() {
        List<Step> steps = new ArrayList<>(List.of(
                new Step("Flyway migrations (IamFlyway)", admin.user(), this::migrate),
                new Step("Hibernate (hibernate.properties)", app.user(), () -> visit(HibernateExample.run(app), "Hibernate")),
                new Step("JPA (persistence.xml)", app.user(), () -> visit(JpaExample.run(app), "JPA")),
                new Step("jOOQ (IamDsl)", app.user(), () -> visit(JooqExample.run(app), "jOOQ")),
                new Step("MyBatis (mybatis-config.xml)", app.user(), () -> visit(MyBatisExample.run(app), "MyBatis")),
                new Step("HikariCP with a jdbc:iamdb: URL", app.user(), () -> visit(JdbcUrlExample.run(app), "JDBC")),
                new Step(local() ? "Token reuse and refresh (jOOQ)" : "Token reuse (jOOQ)", app.user(), this::tokens)));
        if (ungrantedRole != null) {
            steps.add(new Step("A role not granted to the identity", ungrantedRole, this::refused));
        }
        int seen = 0;
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            List<String> lines = new ArrayList<>();
            String failure = null;
            try {
                step.body().run().forEach(text -> lines.addAll(Report.detail(text)));
            } catch (StepFailed e) {
                failure = e.getMessage();
            } catch (Exception e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (decisions != null) {
                List<AuthDecision> all = decisions.get();
                all.subList(seen, all.size()).forEach(d -> lines.add(Report.decision(d)));
                seen = all.size();
            }
            if (failure != null) {
                lines.addAll(Report.detail(failure));
            }
            report.step(i + 1, steps.size(), step.title(), step.role(), failure == null, lines);
            if (failure != null) {
                report.end("FAILED at step " + (i + 1) + ", " + step.title() + ".");
                return 1;
            }
        }
        report.end("All " + steps.size() + " steps did what they should"
                + (ungrantedRole == null ? " (the refused login was skipped: set IAMDB_UNGRANTED_ROLE to try one)." : "."));
        return 0;
    }

    /** Local mode: the demo started the server and owns its clock. */
    private boolean local() {
        return clock != null;
    }

    private List<String> migrate() {
        FlywayExample.Migration migration = FlywayExample.migrate(FlywayExample.config(admin).build(), app.user());
        check(MIGRATION_VERSION.equals(migration.schemaVersion()),
                "the schema is at version " + migration.schemaVersion() + ", expected " + MIGRATION_VERSION);
        check(!local() || migration.executed() == 2, "applied " + migration.executed() + " migrations to a new database, expected 2");
        return List.of(migration.toString());
    }

    private List<String> visit(Visit visit, String author) {
        check(visit.role().equals(app.user()), "current_user is " + visit.role() + ", expected " + app.user());
        check(visit.readBack().equals("Hello from " + author), "read back \"" + visit.readBack() + "\"");
        check(visit.entries() > entries, "the guestbook holds " + visit.entries() + " entries, expected more than " + entries);
        entries = visit.entries();
        return List.of("wrote and read back \"" + visit.readBack() + "\"; the guestbook holds " + visit.entries()
                        + (visit.entries() == 1 ? " entry" : " entries"),
                visit.tokens().map(TokenCounts::toString).orElse("tokens: counted inside the jdbc:iamdb: driver, not exposed"));
    }

    /**
     * A new connection within a token's reuse window reuses the cached token; one opened after the window
     * (the local clock skips 16 minutes) gets a newly signed one. Evicting the idle connections makes the
     * pool open new physical connections, which is when tokens are used.
     */
    private List<String> tokens() throws SQLException {
        IamConfig.Builder config = JooqExample.config(app);
        if (local()) {
            config.clock(clock);
        }
        List<String> lines = new ArrayList<>();
        try (CloseableDSLContext dsl = JooqExample.open(config.build())) {
            visit(JooqExample.signGuestbook(dsl), "jOOQ");
            TokenCounts first = JooqExample.tokens(dsl);
            lines.add("first connection: " + first);

            if (local()) {
                clock.advance(Duration.ofMinutes(5));
            }
            evictIdleConnections(dsl);
            visit(JooqExample.signGuestbook(dsl), "jOOQ");
            TokenCounts reuse = JooqExample.tokens(dsl);
            lines.add((local() ? "new connection 5 minutes later: " : "new connection: ") + reuse);
            check(reuse.signed() == first.signed() && reuse.reused() > first.reused(),
                    "a new connection within the token's reuse window did not reuse the cached token");

            if (local()) {
                clock.advance(Duration.ofMinutes(11));
                evictIdleConnections(dsl);
                visit(JooqExample.signGuestbook(dsl), "jOOQ");
                TokenCounts fresh = JooqExample.tokens(dsl);
                lines.add("new connection 16 minutes later, the token's 15 minutes over: " + fresh);
                check(fresh.signed() == reuse.signed() + 1, "a new connection after the token expired did not get a new token");
            }
        }
        return lines;
    }

    private static void evictIdleConnections(DSLContext dsl) throws SQLException {
        ((DataSourceConnectionProvider) dsl.configuration().connectionProvider()).dataSource()
                .unwrap(HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();
    }

    /** The error an application sees when the server refuses the login: iamdb's SQLException message. */
    private List<String> refused() {
        IamConfig.Builder config = IamConfig.builder().url(app.url()).property("user", ungrantedRole);
        if (local()) {
            config.clock(clock);
        }
        try (IamDataSource source = new IamDataSource(config.build())) {
            source.getConnection().close();
            throw new StepFailed("the server let " + ungrantedRole + " log in; expected a refusal");
        } catch (SQLException e) {
            check(e.getMessage().startsWith("The server rejected the IAM token"), "unexpected error: " + e.getMessage());
            if (decisions != null) {
                List<AuthDecision> all = decisions.get();
                AuthDecision last = all.get(all.size() - 1);
                check(!last.accepted() && ungrantedRole.equals(last.user()), "the server's last decision was " + last);
            }
            return List.of("the application gets SQLException " + e.getSQLState() + ":", e.getMessage());
        }
    }

    private static void check(boolean ok, String failure) {
        if (!ok) {
            throw new StepFailed(failure);
        }
    }

    private record Step(String title, String role, Body body) {
    }

    @FunctionalInterface
    private interface Body {
        List<String> run() throws Exception;
    }

    /** A step's own check failed; the message says what was expected. */
    private static final class StepFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepFailed(String message) {
            super(message);
        }
    }
}
