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

/** A gateway whose certificate, issued by the trusted CA, names another host: only the name check catches it. */
class WrongNameCertificateTest {

    static LocalIamDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().certificateNames("evil.example.com").start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void reset() {
        db.clearDecisions();
    }

    @Test
    void namesOnlyTheGivenHost() throws Exception {
        X509Certificate server = TlsProbe.handshake(db, "evil.example.com", TlsProbe.trusting(db.caCertificate()))[0];
        assertThat(server.getSubjectAlternativeNames()).containsExactly(List.of(2, "evil.example.com"));
        assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=evil.example.com");
        assertThatThrownBy(() -> TlsProbe.handshake(db, db.endpoint(), TlsProbe.trusting(db.caCertificate())))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void verifyFullRefusesItBeforeSendingTheToken() {
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), props("admin", Tokens.dsql(db, db.identity(), "admin"))))
                .isInstanceOf(SQLException.class);
        assertThat(db.passwordsReceived()).isZero();
        assertThat(db.decisions()).isEmpty();
    }

    /** Why the name check matters: checking the chain alone hands the token to whoever holds such a certificate. */
    @Test
    void verifyCaSendsTheToken() throws SQLException {
        DriverManager.getConnection(db.jdbcUrl().replace("verify-full", "verify-ca"),
                props("admin", Tokens.dsql(db, db.identity(), "admin"))).close();
        assertThat(db.passwordsReceived()).isEqualTo(1);
    }
}
