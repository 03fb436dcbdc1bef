package dev.iamdb.benchmarks;

import dev.iamdb.IamConfig;
import dev.iamdb.IamDataSource;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;

/**
 * One JVM, one authenticated connection, then exit: run it repeatedly in fresh JVMs to compare
 * a cold start with iamdb against plain pgjdbc with a password (see docs/performance.md).
 *
 * <pre>ColdStart iamdb|pgjdbc JDBC_URL USER ENDPOINT_OR_PASSWORD</pre>
 * For {@code iamdb} the last argument is the endpoint to sign for and credentials come from the
 * default chain; for {@code pgjdbc} it is the password (a token signed beforehand).
 */
public final class ColdStart {
    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        String mode = args[0];
        String url = args[1];
        String user = args[2];
        Connection c;
        if (mode.equals("iamdb")) {
            IamDataSource ds = new IamDataSource(IamConfig.builder().url(url).property("user", user)
                    .property("iamHost", args[3]).build());
            c = ds.getConnection();
        } else {
            Properties p = new Properties();
            p.setProperty("user", user);
            p.setProperty("password", args[3]);
            c = DriverManager.getConnection(url, p);
        }
        long connected = System.nanoTime();
        c.close();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.printf("%s: main to connected %.1f ms; JVM start to connected %d ms%n", mode,
                (connected - start) / 1e6, System.currentTimeMillis() - jvmStart);
    }
}
