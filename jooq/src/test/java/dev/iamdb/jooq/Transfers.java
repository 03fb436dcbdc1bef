package dev.iamdb.jooq;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import dev.iamdb.TransactionRetry;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;

/** The jOOQ retry of docs/aurora-dsql.md, run by {@link TransferRetryTest} against real conflicts. */
final class Transfers {
    static final Table<Record> ACCOUNT = table(name("account"));
    static final Field<Integer> ID = field(name("id"), Integer.class);
    static final Field<Integer> BALANCE = field(name("balance"), Integer.class);

    private Transfers() {
    }

    /** Moves money between two accounts; on a conflict the whole transaction runs again. */
    static int transfer(DSLContext dsl, TransactionRetry retry, int from, int to, int amount) {
        return IamDsl.transactionResult(dsl, retry, tx -> {
            tx.dsl().update(ACCOUNT).set(BALANCE, BALANCE.minus(amount)).where(ID.eq(from)).execute();
            tx.dsl().update(ACCOUNT).set(BALANCE, BALANCE.plus(amount)).where(ID.eq(to)).execute();
            return amount;
        });
    }
}
