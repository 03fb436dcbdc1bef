package dev.iamdb.jooq;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.jooq.CloseableDSLContext;
import org.jooq.DSLContext;

/** The set-up docs/jooq.md shows, compiled and run by {@link GuideTest}; the guide quotes the marked lines. */
final class Database {
    private Database() {
    }

    // guide:start
    static final String URL = "jdbc:postgresql://<cluster-id>.dsql.us-east-1.on.aws:5432/postgres";

    /** The application's DSLContext: pooled connections that log in with IAM tokens. Close it at shutdown. */
    static CloseableDSLContext open(String url) throws IOException {
        Properties settings = new Properties();
        try (InputStream in = Database.class.getResourceAsStream("/iamdb.properties")) {
            settings.load(in);
        }
        return IamDsl.create(url, settings);
    }

    static void placeOrder(DSLContext dsl, int id) {
        dsl.transaction(tx -> tx.dsl()
                .insertInto(table(name("orders")), field(name("id"), Integer.class))
                .values(id)
                .execute());
    }
    // guide:end
}
