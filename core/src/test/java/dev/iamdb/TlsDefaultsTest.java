package dev.iamdb;

import static dev.iamdb.testing.TestkitConfigs.credentials;
import static dev.iamdb.testing.TestkitConfigs.currentUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.tls.AwsTrustSocketFactory;
import dev.iamdb.tls.SignedHostVerifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS as iamdb sets it up when the user sets nothing: the token reaches only a server that proves, with a
 * certificate from a CA the JDK or Amazon RDS's bundle trusts, to be the endpoint the token is signed for.
 * The testkit's CA is trusted by neither, as RDS's own CAs are not by the JDK.
 */
class TlsDefaultsTest {
    private static final Identity ID = Identity.of("AKIATLSDEFAULTSTEST1", "tls-test-secret-not-real", Identity.DEFAULT_PRINCIPAL_ARN);

    /** Issued by the testkit's CA for the endpoint name only, as an AWS certificate reached through a tunnel. */
    private static LocalIamDatabase endpointOnly;
    /** Issued by the testkit's CA for another name. */
    private static LocalIamDatabase otherName;
    /** Self-signed. */
    private static LocalIamDatabase selfSigned;

    @BeforeAll
    static void start() {
        endpointOnly = LocalIamDatabase.builder().identity(ID).certificateNames("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws")
                .endpoint("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws").start();
        otherName = LocalIamDatabase.builder().identity(ID).certificateNames("evil.example.com").start();
        selfSigned = LocalIamDatabase.builder().identity(ID).selfSignedCertificate(true).start();
    }

    @AfterAll
    static void stop() {
        Stream.of(endpointOnly, otherName, selfSigned).forEach(LocalIamDatabase::close);
    }

    /** Through a tunnel: to 127.0.0.1, the token signed for the endpoint, no TLS setting but what the URL adds. */
    private static IamConfig.Builder tunnel(LocalIamDatabase db, String query) {
        return IamConfig.builder().url("jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres" + query)
                .property("user", "admin").property("iamHost", db.endpoint())
                .credentialsProvider(credentials(ID));
    }

    @Test
    void aServerWhoseCaNoOneTrustsNeverReceivesTheToken() {
        otherName.clearDecisions();
        try (IamDataSource ds = new IamDataSource(tunnel(otherName, "").build())) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
                    .hasMessageStartingWith("TLS with 127.0.0.1 failed").hasMessageContaining("sslrootcert");
        }
        assertThat(otherName.passwordsReceived()).isZero();
    }

    @Test
    void aSelfSignedServerNeverReceivesTheToken() {
        selfSigned.clearDecisions();
        try (IamDataSource ds = new IamDataSource(tunnel(selfSigned, "?sslrootcert=" + selfSigned.caCertificate()).build())) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class).hasMessageStartingWith("TLS with 127.0.0.1 failed");
        }
        assertThat(selfSigned.passwordsReceived()).isZero();
    }

    @Test
    void throughATunnelTheCertificateIsCheckedAgainstTheSignedHost() throws SQLException {
        try (IamDataSource ds = new IamDataSource(tunnel(endpointOnly, "?sslrootcert=" + endpointOnly.caCertificate()).build());
             Connection c = ds.getConnection()) {
            assertThat(currentUser(c)).isEqualTo("admin");
        }
    }

    @Test
    void aTrustedCertificateForAnotherNameNeverReceivesTheToken() {
        otherName.clearDecisions();
        try (IamDataSource ds = new IamDataSource(tunnel(otherName, "?sslrootcert=" + otherName.caCertificate()).build())) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("could not be verified");
        }
        assertThat(otherName.passwordsReceived()).isZero();
    }

    @Test
    void requireIsWhatAUserWritesAndThenTheTokenGoesToAnyServer() throws SQLException {
        otherName.clearDecisions();
        try (IamDataSource ds = new IamDataSource(tunnel(otherName, "?sslmode=require").build()); Connection c = ds.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
        }
        assertThat(otherName.passwordsReceived()).isEqualTo(1);
    }

    @Test
    void defaultsPerEndpointKind() {
        Properties dsql = defaults("jdbc:postgresql://abc.dsql.us-east-1.on.aws:5432/postgres");
        assertThat(dsql).containsEntry("sslmode", "verify-full").containsEntry("sslfactory", AwsTrustSocketFactory.class.getName())
                .containsEntry(AwsTrustSocketFactory.TRUST_RDS, "false")
                .containsEntry("sslhostnameverifier", SignedHostVerifier.class.getName());

        Properties rds = defaults("jdbc:postgresql://db.cluster-c0abcdefghij.eu-west-1.rds.amazonaws.com:5432/app");
        assertThat(rds).containsEntry("sslmode", "verify-full").containsEntry(AwsTrustSocketFactory.TRUST_RDS, "true");

        Properties proxy = defaults("jdbc:postgresql://app.proxy-c0abcdefghij.eu-west-1.rds.amazonaws.com:5432/app");
        assertThat(proxy).containsEntry(AwsTrustSocketFactory.TRUST_RDS, "true");

        Properties tunnel = defaults("jdbc:postgresql://127.0.0.1:15432/app?iamHost=db.cluster-c0abcdefghij.eu-west-1.rds.amazonaws.com");
        assertThat(tunnel).containsEntry("sslmode", "verify-full").containsEntry("sslhostnameverifier", SignedHostVerifier.class.getName())
                .containsEntry(AwsTrustSocketFactory.SIGNED_HOST, "db.cluster-c0abcdefghij.eu-west-1.rds.amazonaws.com");

        Properties own = defaults("jdbc:postgresql://127.0.0.1:15432/app?iamHost=abc.dsql.us-east-1.on.aws&sslmode=require"
                + "&sslrootcert=/ca.pem&sslhostnameverifier=com.example.Verifier");
        assertThat(own).doesNotContainKeys("sslmode", "sslfactory", "sslhostnameverifier");

        assertThat(defaults("jdbc:postgresql://abc.dsql.us-east-1.on.aws/postgres?sslmode=VERIFY-FULL"))
                .as("pgjdbc reads sslmode without regard to case").containsEntry("sslfactory", AwsTrustSocketFactory.class.getName());
    }

    private static Properties defaults(String url) {
        IamConfig config = IamConfig.builder().url(url).property("user", "app").build();
        Properties p = new Properties();
        config.driver().applyDefaults(config, p);
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PGHOST=evil.example.com", "host=evil.example.com", "Host=evil.example.com", "port=6432", "PGPORT=6432"})
    void noParameterMakesPgjdbcConnectElsewhere(String parameter) {
        assertThatThrownBy(() -> IamConfig.builder().url("jdbc:postgresql://abc.dsql.us-east-1.on.aws/postgres?" + parameter)
                .property("user", "app").build()).isInstanceOf(IamConfigException.class).hasMessageContaining("another host or port");
    }

    @Test
    void iamdbAndPgjdbcReadTheSameSettings() {
        assertThatThrownBy(() -> IamConfig.builder().url("jdbc:postgresql://abc.dsql.us-east-1.on.aws/postgres?ssl%6Dode=disable")
                .property("user", "app").build()).isInstanceOf(IamConfigException.class).hasMessageContaining("written plainly");
        assertThatThrownBy(() -> IamConfig.builder().url("jdbc:postgresql://abc.dsql.us-east-1.on.aws/postgres?sslmode=verify-ca")
                .property("sslmode", "verify-full").property("user", "app").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("set twice");
        assertThatThrownBy(() -> IamConfig.builder().url("jdbc:postgresql://abc.dsql.us-east-1.on.aws/postgres")
                .property("pool.dataSource.password", "secret-value").property("user", "app").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("pool.dataSource.password").hasMessageNotContaining("secret-value");
    }

    @Test
    void pghostAndPgportCannotSendTheTokenElsewhere() {
        assertThatThrownBy(() -> IamConfig.builder().url("jdbc:postgresql://abc.dsql.us-east-1.on.aws/postgres?PGHOST=evil.example.com")
                .property("user", "app").build()).isInstanceOf(IamConfigException.class).hasMessageContaining("PGHOST");
        assertThatThrownBy(() -> IamConfig.builder().url("jdbc:postgresql://abc.dsql.us-east-1.on.aws/postgres").property("PGPORT", "6432")
                .property("user", "app").build()).isInstanceOf(IamConfigException.class).hasMessageContaining("PGPORT");
    }
}
