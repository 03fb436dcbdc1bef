package dev.iamdb.benchmarks.coldstart;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What every contender's main does once it has a connection: run {@code select 1}, then report the time since the
 * parent launched this JVM. The parent passes its wall clock at launch in {@link #LAUNCHED}, so the figure covers
 * process creation and JVM boot as well as the contender's own work, with no JMX (which would load classes of its own).
 */
final class Child {
    static final String LAUNCHED = "COLDSTART_LAUNCHED_MS";

    private Child() {
    }

    /** Milliseconds since the parent launched this JVM. */
    static long sinceLaunch() {
        return System.currentTimeMillis() - Long.parseLong(System.getenv(LAUNCHED));
    }

    /** Proves the login with {@code select 1}, closes, and prints the line the parent reads. */
    static void report(Connection c) throws SQLException {
        try (c; Statement s = c.createStatement(); ResultSet r = s.executeQuery("select 1")) {
            if (!r.next() || r.getInt(1) != 1) {
                throw new IllegalStateException("select 1 returned no 1");
            }
        }
        System.out.println("connected " + sinceLaunch());
    }
}
