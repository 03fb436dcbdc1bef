package dev.iamdb.benchmarks.coldstart;

import dev.iamdb.IamConfig;
import dev.iamdb.IamDataSource;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;

/**
 * {@link IamdbDataSourceMain} with a timestamp after each phase of a cold start, printed as {@code phase NAME MS}
 * (milliseconds since launch): the JVM's start, the configuration, the data source (credentials route and signer),
 * the first credentials resolution (the same SDK provider iamdb's environment route uses, so iamdb's own resolution
 * afterwards finds its classes loaded), the first signature, then TCP, TLS and the login through pgjdbc.
 */
public final class IamdbPhasesMain {
    private IamdbPhasesMain() {
    }

    public static void main(String[] args) throws Exception {
        phase("jvm");
        IamConfig config = IamConfig.builder().url(args[0]).property("user", args[1]).build();
        phase("config");
        IamDataSource ds = new IamDataSource(config);
        phase("datasource");
        EnvironmentVariableCredentialsProvider.create().resolveCredentials();
        phase("credentials");
        ds.tokenProvider().token();
        phase("signature");
        Child.report(ds.getConnection());
    }

    private static void phase(String name) {
        System.out.println("phase " + name + " " + Child.sinceLaunch());
    }
}
