package dev.iamdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The statement rewriting on its own: message layout, statement boundaries and what is left alone. */
class DsqlStatementsTest {

    private final DsqlStatements rejecting = new DsqlStatements(true);
    private final DsqlStatements iamOnly = new DsqlStatements(false);

    @Test
    void leavesOrdinaryMessagesUnchanged() {
        assertThat(iamOnly.rewrite(query("select 1; truncate t; savepoint s"))).isNull();
        assertThat(rejecting.rewrite(query("select 'a;b', \"c;\", $$;truncate$$, $t$x$t$ -- ; truncate\n"))).isNull();
        assertThat(rejecting.rewrite(query("select $1, a$b from t where x = e'\\';truncate'"))).isNull();
        assertThat(rejecting.rewrite(query("/* outer /* nested; truncate */ still comment; */ select 1"))).isNull();
        assertThat(rejecting.rewrite(PgWire.message('B', body("truncate t")))).isNull();
    }

    @Test
    void rewritesOnlyTheStatementThatNeedsIt() {
        String sql = rewrittenSql(rejecting.rewrite(query("select 1;\n  -- why\n  TRUNCATE t ; select 2")));
        assertThat(sql).startsWith("select 1;\n  -- why\n  DO $iamdb$ BEGIN RAISE EXCEPTION '%', 'TRUNCATE is not supported")
                .endsWith("USING ERRCODE = '0A000'; END $iamdb$; select 2");
    }

    @Test
    void turnsAwsIamStatementsIntoProcedureCalls() {
        assertThat(rewrittenSql(iamOnly.rewrite(query("AWS IAM GRANT App TO 'arn:aws:iam::1:role/o''k';"))))
                .isEqualTo("CALL sys.aws_iam_grant('app', 'arn:aws:iam::1:role/o''k');");
        assertThat(rewrittenSql(iamOnly.rewrite(query("aws iam revoke \"O'Neil\"\"s\" from 'arn'"))))
                .isEqualTo("CALL sys.aws_iam_revoke('O''Neil\"s', 'arn')");
    }

    @Test
    void rebuildsParseMessagesKeepingNameAndParameterTypes() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        PgWire.cstring(body, "S_1");
        PgWire.cstring(body, "SAVEPOINT s");
        body.writeBytes(new byte[] {0, 1, 0, 0, 0, 20});
        byte[] message = rejecting.rewrite(PgWire.message('P', body.toByteArray()));

        assertThat((char) message[0]).isEqualTo('P');
        assertThat(PgWire.getInt(message, 1)).isEqualTo(message.length - 1);
        byte[] rewritten = Arrays.copyOfRange(message, 5, message.length);
        assertThat(new String(rewritten, 0, 4, StandardCharsets.UTF_8)).isEqualTo("S_1\0");
        assertThat(Arrays.copyOfRange(rewritten, rewritten.length - 6, rewritten.length))
                .containsExactly(0, 1, 0, 0, 0, 20);
        assertThat(new String(rewritten, 4, rewritten.length - 11, StandardCharsets.UTF_8))
                .contains("SAVEPOINT is not supported");
    }

    private static byte[] query(String sql) {
        return PgWire.message('Q', body(sql));
    }

    private static byte[] body(String sql) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        PgWire.cstring(body, sql);
        return body.toByteArray();
    }

    /** The SQL of a rewritten Query message. */
    private static String rewrittenSql(byte[] message) {
        assertThat(message).isNotNull();
        assertThat((char) message[0]).isEqualTo('Q');
        assertThat(PgWire.getInt(message, 1)).isEqualTo(message.length - 1);
        return new String(message, 5, message.length - 6, StandardCharsets.UTF_8);
    }
}
