package dev.iamdb.benchmarks.coldstart;

import java.sql.DriverManager;
import java.util.Properties;

/** The Aurora DSQL JDBC connector: {@code DsqlConnectorMain jdbc:aws-dsql:postgresql://… USER}. */
public final class DsqlConnectorMain {
    private DsqlConnectorMain() {
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", args[1]);
        Child.report(DriverManager.getConnection(args[0], p));
    }
}
