package dev.iamdb.benchmarks.coldstart;

import java.sql.DriverManager;

/** iamdb as a JDBC URL: {@code IamdbDriverMain jdbc:iamdb:postgresql://… USER}; credentials from the environment. */
public final class IamdbDriverMain {
    private IamdbDriverMain() {
    }

    public static void main(String[] args) throws Exception {
        Child.report(DriverManager.getConnection(args[0], args[1], null));
    }
}
