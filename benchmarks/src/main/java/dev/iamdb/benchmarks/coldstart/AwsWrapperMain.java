package dev.iamdb.benchmarks.coldstart;

import java.sql.DriverManager;
import java.util.Properties;

/** The AWS Advanced JDBC Wrapper with its {@code iam} plugin: {@code AwsWrapperMain jdbc:aws-wrapper:postgresql://… USER}. */
public final class AwsWrapperMain {
    private AwsWrapperMain() {
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", args[1]);
        p.setProperty("wrapperPlugins", "iam");
        Child.report(DriverManager.getConnection(args[0], p));
    }
}
