package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.sql.SQLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A gateway presenting a self-signed certificate for the right names: only the chain check catches it. */
class SelfSignedCertificateTest {

    static LocalIamDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().selfSignedCertificate(true).start();
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
    void isNotIssuedByTheTestkitCa() {
        assertThatThrownBy(() -> TlsProbe.handshake(db, db.endpoint(), TlsProbe.trusting(db.caCertificate())))
                .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX");
    }

    @Test
    void verifyFullRefusesItBeforeSendingTheToken() {
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), props("admin", Tokens.dsql(db, db.identity(), "admin"))))
                .isInstanceOf(SQLException.class);
        assertThat(db.passwordsReceived()).isZero();
        assertThat(db.decisions()).isEmpty();
    }

    @Test
    void sslmodeRequireSendsTheToken() throws SQLException {
        String url = "jdbc:postgresql://" + db.host() + ":" + db.port() + "/postgres?sslmode=require";
        DriverManager.getConnection(url, props("admin", Tokens.dsql(db, db.identity(), "admin"))).close();
        assertThat(db.passwordsReceived()).isEqualTo(1);
    }
}
