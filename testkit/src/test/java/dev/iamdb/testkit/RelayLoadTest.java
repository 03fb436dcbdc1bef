package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** The relay under load: many concurrent sessions and a large result, compared byte for byte. */
class RelayLoadTest {

    static LocalIamDatabase db;
    static String adminToken;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().start();
        adminToken = Tokens.dsql(db, db.identity(), "admin");
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void relays200ConcurrentSessions() throws Exception {
        int sessions = 200;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        CountDownLatch allOpen = new CountDownLatch(sessions);
        CountDownLatch allCounted = new CountDownLatch(sessions);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    try (Connection c = connect(); Statement s = c.createStatement()) {
                        allOpen.countDown();
                        assertThat(allOpen.await(60, TimeUnit.SECONDS)).isTrue();
                        int seen;
                        try (var rs = s.executeQuery("select " + n + " + count(*) from pg_stat_activity where usename = 'admin'")) {
                            rs.next();
                            seen = rs.getInt(1) - n;
                        }
                        // Nobody leaves before everyone has counted, so each count sees all sessions.
                        allCounted.countDown();
                        assertThat(allCounted.await(60, TimeUnit.SECONDS)).isTrue();
                        return seen;
                    }
                }));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get(90, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(sessions);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void relaysLargeCopyByteExact() throws Exception {
        String copy = "COPY (SELECT i, md5(i::text) || repeat('x', 60) FROM generate_series(1, 1050000) i) TO STDOUT";
        byte[] viaGateway;
        long bytes;
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), props("admin", adminToken))) {
            DigestStream out = new DigestStream();
            ((PGConnection) c).getCopyAPI().copyOut(copy, out);
            viaGateway = out.digest.digest();
            bytes = out.count;
        }
        DigestStream direct = new DigestStream();
        try (Connection c = db.adminConnection()) {
            ((PGConnection) c).getCopyAPI().copyOut(copy, direct);
        }
        assertThat(bytes).isGreaterThan(100_000_000L).isEqualTo(direct.count);
        assertThat(HexFormat.of().formatHex(viaGateway)).isEqualTo(HexFormat.of().formatHex(direct.digest.digest()));
    }

    @Test
    void relaysLargeCopyInByteExact() throws Exception {
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE copied_in (i int, line text)");
            s.execute("ALTER TABLE copied_in OWNER TO admin");
        }
        // Client-to-backend is the direction the gateway frames for DSQL's SQL emulation: ~60 MB of CopyData.
        GeneratedRows rows = new GeneratedRows(800_000);
        try (Connection c = connect()) {
            assertThat(((PGConnection) c).getCopyAPI().copyIn("COPY copied_in FROM STDIN", rows)).isEqualTo(800_000);
        }
        DigestStream back = new DigestStream();
        try (Connection c = db.adminConnection()) {
            ((PGConnection) c).getCopyAPI().copyOut("COPY (SELECT * FROM copied_in ORDER BY i) TO STDOUT", back);
        }
        assertThat(back.count).isEqualTo(rows.count).isGreaterThan(50_000_000L);
        assertThat(HexFormat.of().formatHex(back.digest.digest())).isEqualTo(HexFormat.of().formatHex(rows.digest.digest()));
    }

    @Test
    void relaysLargeSimpleQueriesWhetherInspectedOrNot() throws SQLException {
        for (int length : new int[] {3 << 20, DsqlStatements.MAX_INSPECTED_LENGTH + 1}) {
            try (Connection c = DriverManager.getConnection(db.jdbcUrl() + "&preferQueryMode=simple",
                    props("admin", adminToken)); Statement s = c.createStatement()) {
                var rs = s.executeQuery("select length('" + "x".repeat(length) + "'), 'after'");
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(length);
                assertThat(rs.getString(2)).isEqualTo("after");
            }
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), props("admin", adminToken));
    }

    /** COPY text rows generated on the fly, counted and hashed as they are read. */
    static final class GeneratedRows extends InputStream {
        final MessageDigest digest;
        final int rows;
        long count;
        private int next = 1;
        private byte[] line = new byte[0];
        private int at;

        GeneratedRows(int rows) throws Exception {
            this.digest = MessageDigest.getInstance("SHA-256");
            this.rows = rows;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at == line.length) {
                if (next > rows) {
                    return -1;
                }
                line = (next + "\t" + Integer.toHexString(next * 31) + "x".repeat(60 + next % 7) + "\n")
                        .getBytes(StandardCharsets.US_ASCII);
                next++;
                at = 0;
            }
            int n = Math.min(len, line.length - at);
            System.arraycopy(line, at, b, off, n);
            digest.update(line, at, n);
            at += n;
            count += n;
            return n;
        }
    }

    /** Counts and hashes what is written, without keeping 100 MB in memory. */
    static final class DigestStream extends OutputStream {
        final MessageDigest digest;
        long count;

        DigestStream() throws Exception {
            digest = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
            count += len;
        }
    }
}
