package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's default certificate: issued by the testkit CA, which no JDK trusts, for loopback and the endpoint. */
class GatewayCertificateTest {

    static LocalIamDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void reset() {
        db.clearDecisions();
    }

    /** Through a tunnel a client connects to 127.0.0.1 but checks the certificate against the signed host. */
    @Test
    void namesTheEndpointAsWellAsTheLoopbackAddress() throws Exception {
        X509Certificate server = TlsProbe.handshake(db, db.endpoint(), TlsProbe.trusting(db.caCertificate()))[0];
        assertThat(server.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                List.of(7, "127.0.0.1"), List.of(2, "localhost"), List.of(2, db.endpoint()));
        TlsProbe.handshake(db, "127.0.0.1", TlsProbe.trusting(db.caCertificate()));
        assertThatThrownBy(() -> TlsProbe.handshake(db, "other.example.com", TlsProbe.trusting(db.caCertificate())))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void theCaIsNotInTheJdkTrustStoreLikeRdsOwnCas() {
        assertThatThrownBy(() -> TlsProbe.handshake(db, db.endpoint(), TlsProbe.jdkTrust()))
                .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX");
    }

    @Test
    void aClientTrustingOnlyTheJdkNeverSendsItsToken() {
        String url = "jdbc:postgresql://" + db.host() + ":" + db.port() + "/postgres?sslmode=verify-full"
                + "&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory";
        assertThatThrownBy(() -> DriverManager.getConnection(url, props("admin", Tokens.dsql(db, db.identity(), "admin"))))
                .isInstanceOf(SQLException.class);
        assertThat(db.passwordsReceived()).isZero();
        assertThat(db.decisions()).isEmpty();
    }

    @Test
    void countsPasswordsAsTheyArriveEvenWhenRefused() throws SQLException {
        DriverManager.getConnection(db.jdbcUrl(), props("admin", Tokens.dsql(db, db.identity(), "admin"))).close();
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), props("admin", "not a token")))
                .isInstanceOf(SQLException.class);
        assertThat(db.passwordsReceived()).isEqualTo(2);
        db.clearDecisions();
        assertThat(db.passwordsReceived()).isZero();
    }
}
