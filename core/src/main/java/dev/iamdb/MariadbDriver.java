package dev.iamdb;

import dev.iamdb.tls.AwsTrustStore;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** MariaDB Connector/J ({@code org.mariadb.jdbc:mariadb-java-client}), for RDS for MariaDB, RDS for MySQL and Aurora MySQL. */
final class MariadbDriver extends MysqlFamilyDriver {

    @Override
    public String subprotocol() {
        return "mariadb";
    }

    @Override
    public String artifact() {
        return "org.mariadb.jdbc:mariadb-java-client";
    }

    /** The values MariaDB Connector/J 3.5 reads as {@code disable}. */
    @Override
    Map<String, Set<String>> plainTextModes() {
        return Map.of("sslmode", Set.of("disable", "disabled", "0", "false"));
    }

    /** {@code trustCertificateKeyStoreUrl} is MariaDB Connector/J's alias of {@code trustStore}. */
    @Override
    Set<String> trustSettings() {
        return Set.of("serversslcert", "truststore", "trustcertificatekeystoreurl");
    }

    @Override
    String verifyingMode() {
        return "verify-full";
    }

    @Override
    boolean verifiesChain(String mode) {
        return mode.equalsIgnoreCase("verify-ca") || mode.equalsIgnoreCase("verify-full");
    }

    @Override
    void addTrust(Properties p, String storeUrl) {
        p.setProperty("trustStore", storeUrl);
        p.setProperty("trustStoreType", "PKCS12");
        p.setProperty("trustStorePassword", AwsTrustStore.PASSWORD);
    }

    /**
     * Besides plain text: {@code credentialType} would make the driver take its password from elsewhere (its own
     * {@code AWS-IAM} signing, the environment) instead of iamdb's token.
     */
    @Override
    public String refusal(String setting, String value) {
        if (setting.equalsIgnoreCase("credentialType")) {
            return "it would make MariaDB Connector/J log in with another password than iamdb's token; remove it";
        }
        return super.refusal(setting, value);
    }

    @Override
    public String tlsAdvice() {
        return "Check that the server is the endpoint the token is for: its certificate must be issued by a CA the JDK "
                + "or Amazon RDS's bundle trusts (else set serverSslCert to the CA's PEM file) and name the host in the "
                + "URL, which MariaDB Connector/J checks even through a tunnel (connect to a name the certificate holds, "
                + "such as the endpoint's name mapped to the tunnel in the hosts file); sslMode=trust skips these checks "
                + "and sends the token to any server.";
    }
}
