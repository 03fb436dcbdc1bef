package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
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

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), props("admin", adminToken));
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
