package dev.iamdb.examples;

import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import dev.iamdb.IamConfig;
import dev.iamdb.jooq.IamDsl;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.jooq.CloseableDSLContext;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.DataSourceConnectionProvider;

/**
 * jOOQ: {@code IamDsl.create} gives a {@code DSLContext} over an iamdb pool, configured by {@code iamdb.properties}
 * (beside this class) and the URL. See {@code docs/jooq.md}.
 *
 * <pre>IAMDB_ENDPOINT=abc123.dsql.us-east-1.on.aws IAMDB_USER=app java -cp examples/target/iamdb-demo.jar dev.iamdb.examples.JooqExample</pre>
 */
public final class JooqExample {
    private static final Table<?> GUESTBOOK = table(name("guestbook"));
    private static final Field<UUID> ID = field(name("id"), UUID.class);
    private static final Field<String> AUTHOR = field(name("author"), String.class);
    private static final Field<String> MESSAGE = field(name("message"), String.class);

    private JooqExample() {
    }

    public static void main(String[] args) {
        System.out.println(run(Target.fromCommandLine(args, System.getenv())));
    }

    /** Writes and reads a guestbook entry through a context it opens and closes. */
    public static Visit run(Target target) {
        try (CloseableDSLContext dsl = open(config(target).build())) {
            return signGuestbook(dsl);
        }
    }

    /** {@code iamdb.properties} with the target's URL and user; add a clock or credentials before building. */
    public static IamConfig.Builder config(Target target) {
        Properties settings = Resources.properties("iamdb.properties");
        settings.setProperty("user", target.user());
        return IamConfig.builder().url(target.url()).properties(settings);
    }

    /** The application's context: a small pool whose new connections log in with IAM tokens. Close it at shutdown. */
    public static CloseableDSLContext open(IamConfig config) {
        return IamDsl.create(config);
    }

    /** Writes an entry and reads it back, in two transactions. */
    public static Visit signGuestbook(DSLContext dsl) {
        UUID id = UUID.randomUUID();
        dsl.transaction(tx -> tx.dsl().insertInto(GUESTBOOK, ID, AUTHOR, MESSAGE).values(id, "jOOQ", "Hello from jOOQ").execute());
        return dsl.transactionResult(tx -> new Visit(
                tx.dsl().select(DSL.currentUser()).fetchSingle().value1(),
                tx.dsl().select(MESSAGE).from(GUESTBOOK).where(ID.eq(id)).fetchSingle().value1(),
                tx.dsl().select(count()).from(GUESTBOOK).fetchSingle().value1(),
                Optional.of(tokens(dsl))));
    }

    /** The token counters of the context's pool. */
    public static TokenCounts tokens(DSLContext dsl) {
        return TokenCounts.of(((DataSourceConnectionProvider) dsl.configuration().connectionProvider()).dataSource());
    }
}
