package dev.iamdb.benchmarks;

import dev.iamdb.IamConfig;
import dev.iamdb.IamDataSource;
import dev.iamdb.IamDriver;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Heap retained per configuration and per identity the {@code jdbc:iamdb:} driver caches (see docs/performance.md).
 *
 * <pre>AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… java -cp benchmarks/target/benchmarks.jar dev.iamdb.benchmarks.Footprint [N]</pre>
 *
 * <p>Builds N {@link IamDataSource}s for N users, each with a signed token in its cache, and measures the heap in use
 * after full collections before and after; then the same for a driver instance that has seen N users (each connect
 * signs a token and then fails on a closed loopback port, which leaves the configuration, token provider and token
 * cached, as after a real login). Credentials come from the environment, so the figures include no network client.
 */
public final class Footprint {
    private Footprint() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres?sslmode=disable";
        String endpoint = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
        // Warm up: load every class on both paths once, so that the figures hold only per-instance state.
        retainDataSources(url, endpoint, 2, "warm");
        retainDriverIdentities(new IamDriver(), url, endpoint, 2, "warm");

        long before = usedAfterGc();
        List<IamDataSource> sources = retainDataSources(url, endpoint, n, "user");
        long after = usedAfterGc();
        System.out.printf("IamDataSource with a cached token: %.1f KiB each (%d instances)%n",
                (after - before) / 1024.0 / n, sources.size());
        sources.forEach(IamDataSource::close);
        sources = null;

        IamDriver driver = new IamDriver();
        before = usedAfterGc();
        retainDriverIdentities(driver, url, endpoint, n, "id");
        after = usedAfterGc();
        System.out.printf("jdbc:iamdb: driver, per cached identity: %.1f KiB each (%d identities)%n",
                (after - before) / 1024.0 / n, n);
        driver.close();
    }

    private static List<IamDataSource> retainDataSources(String url, String endpoint, int n, String prefix)
            throws SQLException {
        List<IamDataSource> sources = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            IamDataSource ds = new IamDataSource(IamConfig.builder().url(url).property("user", prefix + i)
                    .property("iamHost", endpoint).build());
            ds.tokenProvider().token();
            sources.add(ds);
        }
        return sources;
    }

    private static void retainDriverIdentities(IamDriver driver, String url, String endpoint, int n, String prefix) {
        for (int i = 0; i < n; i++) {
            Properties p = new Properties();
            p.setProperty("user", prefix + i);
            try {
                driver.connect("jdbc:iamdb:" + url.substring("jdbc:".length()) + "&iamHost=" + endpoint, p).close();
                throw new IllegalStateException("connected to a closed port");
            } catch (SQLException expected) {
                // The port is closed: the driver has signed and cached a token for this identity by now.
            }
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
