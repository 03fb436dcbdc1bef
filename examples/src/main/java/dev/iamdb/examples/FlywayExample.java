package dev.iamdb.examples;

import dev.iamdb.IamConfig;
import dev.iamdb.flyway.IamFlyway;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Flyway's Java API with {@code iamdb-flyway}'s {@code IamFlyway}: the migrations in {@code db/migration}
 * create the guestbook table and grant the application role its use. Run it as {@code admin} (Aurora DSQL)
 * or a role allowed to create tables. See {@code docs/flyway.md}; the Maven plugin is shown in
 * {@code examples/flyway-maven}.
 *
 * <pre>IAMDB_ENDPOINT=abc123.dsql.us-east-1.on.aws IAMDB_USER=admin java -cp examples/target/iamdb-demo.jar dev.iamdb.examples.FlywayExample</pre>
 */
public final class FlywayExample {
    private FlywayExample() {
    }

    /**
     * Takes the demo's settings: migrates as {@code --admin-user} / {@code IAMDB_ADMIN_USER} (default {@code admin})
     * and grants the guestbook to {@code --user} / {@code IAMDB_USER}.
     */
    public static void main(String[] args) {
        Target app = Target.fromCommandLine(args, System.getenv());
        Options options = Options.parse(args, System.getenv());
        System.out.println(migrate(config(options.target(options.adminUser())).build(), app.user()));
    }

    /** The migration user's configuration: the target's URL and user. */
    public static IamConfig.Builder config(Target target) {
        return IamConfig.builder().url(target.url()).property("user", target.user());
    }

    /** Migrates to the latest version; {@code appRole} replaces {@code ${appRole}} in the grant. */
    public static Migration migrate(IamConfig config, String appRole) {
        try (IamFlyway iam = new IamFlyway(config)) {
            Flyway flyway = iam.configure()
                    .locations("classpath:db/migration")
                    .placeholders(Map.of("appRole", appRole))
                    .load();
            MigrateResult result = flyway.migrate();
            return new Migration(result.migrationsExecuted, flyway.info().current().getVersion().getVersion(),
                    TokenCounts.of(iam.dataSource().tokenProvider()));
        }
    }

    /**
     * What a migration run did.
     *
     * @param executed      migrations applied by this run
     * @param schemaVersion the version the schema is at afterwards
     * @param tokens        the run's token counters
     */
    public record Migration(int executed, String schemaVersion, TokenCounts tokens) {
        @Override
        public String toString() {
            return "applied " + executed + " migration" + (executed == 1 ? "" : "s") + ", schema at version " + schemaVersion + "; " + tokens;
        }
    }
}
