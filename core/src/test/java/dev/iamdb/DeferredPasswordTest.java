package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The first token is signed while pgjdbc connects: pgjdbc must reach the server, and the server ask for the password,
 * before the credentials provider has returned. A minimal PostgreSQL wire peer stands in for the server here, because
 * the point is the order of events on the wire, which the testkit's gateway does not expose; the login itself is
 * covered against the gateway by IamDataSourceTest and IamDriverTest.
 */
class DeferredPasswordTest {
    private static final String ENDPOINT = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";

    @Test
    void firstTokenIsSignedWhileTheDriverConnects() throws Exception {
        CountDownLatch startupReceived = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture<String> password = CompletableFuture.supplyAsync(() -> askForPassword(server, startupReceived));
            // Resolves only once the server has the start-up message: without deferral the token would be needed
            // before connecting, and this provider would hold the connection back until the login timeout.
            AwsCredentialsProvider credentials = new AwsCredentialsProvider() {
                @Override
                public AwsCredentials resolveCredentials() {
                    try {
                        if (!startupReceived.await(10, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the driver did not connect before the token was ready");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return AwsBasicCredentials.create("AKIADEFERREDEXAMPLE1", "deferred-secret");
                }
            };
            try (IamDataSource ds = new IamDataSource(IamConfig.builder()
                    .url("jdbc:postgresql://127.0.0.1:" + server.getLocalPort() + "/postgres?sslmode=disable")
                    .property("user", "admin").property("iamHost", ENDPOINT).credentialsProvider(credentials).build())) {
                ds.setLoginTimeout(5);
                // The peer hangs up after reading the password, so the login itself fails.
                assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
                assertThat(password.get(10, TimeUnit.SECONDS)).startsWith(ENDPOINT + "/?Action=DbConnectAdmin")
                        .contains("X-Amz-Credential=AKIADEFERREDEXAMPLE1");
                assertThat(ds.tokenProvider().tokensSigned()).isEqualTo(1);
            }
        }
    }

    /** Reads the start-up message, asks for a cleartext password, returns it and hangs up. */
    private static String askForPassword(ServerSocket server, CountDownLatch startupReceived) {
        try (Socket s = server.accept()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            in.readFully(new byte[in.readInt() - 4]);
            startupReceived.countDown();
            out.writeByte('R');
            out.writeInt(8);
            out.writeInt(3); // AuthenticationCleartextPassword
            out.flush();
            if (in.readByte() != 'p') {
                throw new IllegalStateException("expected a password message");
            }
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            return new String(body, 0, body.length - 1, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
