package dev.iamdb.benchmarks.coldstart;

import dev.iamdb.IamConfig;
import dev.iamdb.IamDataSource;

/** iamdb as a {@code DataSource}: {@code IamdbDataSourceMain jdbc:postgresql://… USER}; credentials from the environment. */
public final class IamdbDataSourceMain {
    private IamdbDataSourceMain() {
    }

    public static void main(String[] args) throws Exception {
        IamDataSource ds = new IamDataSource(IamConfig.builder().url(args[0]).property("user", args[1]).build());
        Child.report(ds.getConnection());
    }
}
