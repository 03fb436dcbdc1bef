package dev.iamdb;

import dev.iamdb.tls.AwsTrustStore;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** MySQL Connector/J ({@code com.mysql:mysql-connector-j}), for RDS for MySQL and Aurora MySQL. */
final class MysqlDriver extends MysqlFamilyDriver {

    @Override
    public String subprotocol() {
        return "mysql";
    }

    @Override
    public String artifact() {
        return "com.mysql:mysql-connector-j";
    }

    /** PREFERRED falls back to plain text when the server offers no TLS, which is all an impostor has to do. */
    @Override
    Map<String, Set<String>> plainTextModes() {
        return Map.of("sslmode", Set.of("disabled", "preferred"));
    }

    @Override
    Set<String> trustSettings() {
        return Set.of("trustcertificatekeystoreurl");
    }

    @Override
    String verifyingMode() {
        return "VERIFY_IDENTITY";
    }

    @Override
    boolean verifiesChain(String mode) {
        return mode.equalsIgnoreCase("VERIFY_CA") || mode.equalsIgnoreCase("VERIFY_IDENTITY");
    }

    @Override
    void addTrust(Properties p, String storeUrl) {
        p.setProperty("trustCertificateKeyStoreUrl", storeUrl);
        p.setProperty("trustCertificateKeyStoreType", "PKCS12");
        p.setProperty("trustCertificateKeyStorePassword", AwsTrustStore.PASSWORD);
    }

    @Override
    public String tlsAdvice() {
        return "Check that the server is the endpoint the token is for: its certificate must be issued by a CA the JDK "
                + "or Amazon RDS's bundle trusts (else set trustCertificateKeyStoreUrl to a trust store with the CA) and name "
                + "the host in the URL, which Connector/J checks even through a tunnel (connect to a name the certificate "
                + "holds, such as the endpoint's name mapped to the tunnel in the hosts file); sslMode=REQUIRED skips these "
                + "checks and sends the token to any server.";
    }
}
