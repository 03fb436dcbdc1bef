package dev.iamdb.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens a backend session for an already verified user: sends the startup packet and answers whatever
 * password challenge the backend makes (none with trust, cleartext, MD5 or SCRAM-SHA-256), stopping
 * right after AuthenticationOk so the rest of the stream can be relayed untouched.
 */
final class BackendLogin {

    private static final int AUTH_OK = 0;
    private static final int AUTH_CLEARTEXT = 3;
    private static final int AUTH_MD5 = 5;
    private static final int AUTH_SASL = 10;
    private static final int AUTH_SASL_CONTINUE = 11;
    private static final int AUTH_SASL_FINAL = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private BackendLogin() {
    }

    /** An open backend session after AuthenticationOk; {@code in} may hold bytes already buffered. */
    record Session(Socket socket, BufferedInputStream in, OutputStream out) {
    }

    /** Raised when the backend refuses the login; {@code errorResponse} is its full ErrorResponse message. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        final transient byte[] errorResponse;

        Refused(String message, byte[] errorResponse) {
            super(message);
            this.errorResponse = errorResponse;
        }
    }

    static Session open(String host, int port, Map<String, String> startupParams, String password) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 10_000);
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream(), Relay.BUFFER_SIZE);
            OutputStream out = socket.getOutputStream();
            out.write(PgWire.startupMessage(startupParams));
            out.flush();
            authenticate(new DataInputStream(in), out, startupParams.get("user"), password);
            return new Session(socket, in, out);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static void authenticate(DataInputStream in, OutputStream out, String user, String password)
            throws IOException {
        Scram scram = null;
        while (true) {
            PgWire.Message m = PgWire.read(in, 1 << 20);
            if (m.type() == 'E') {
                throw new Refused("backend refused login: " + PgWire.errorMessage(m.body()),
                        PgWire.message('E', m.body()));
            }
            if (m.type() == 'v') {
                continue;
            }
            if (m.type() != 'R') {
                throw new IOException("unexpected message '" + m.type() + "' from backend during login");
            }
            int code = PgWire.getInt(m.body(), 0);
            switch (code) {
                case AUTH_OK:
                    return;
                case AUTH_CLEARTEXT:
                    sendPassword(out, requirePassword(password));
                    break;
                case AUTH_MD5:
                    byte[] salt = java.util.Arrays.copyOfRange(m.body(), 4, 8);
                    String inner = md5Hex((requirePassword(password) + user).getBytes(StandardCharsets.UTF_8));
                    byte[] innerBytes = inner.getBytes(StandardCharsets.US_ASCII);
                    byte[] salted = new byte[innerBytes.length + 4];
                    System.arraycopy(innerBytes, 0, salted, 0, innerBytes.length);
                    System.arraycopy(salt, 0, salted, innerBytes.length, 4);
                    sendPassword(out, "md5" + md5Hex(salted));
                    break;
                case AUTH_SASL:
                    String mechanisms = new String(m.body(), 4, m.body().length - 4, StandardCharsets.UTF_8);
                    if (!java.util.Arrays.asList(mechanisms.split("\0")).contains("SCRAM-SHA-256")) {
                        throw new IOException("backend offers no supported SASL mechanism: " + mechanisms.replace('\0', ' '));
                    }
                    scram = new Scram(requirePassword(password));
                    ByteArrayOutputStream body = new ByteArrayOutputStream();
                    PgWire.cstring(body, "SCRAM-SHA-256");
                    byte[] first = scram.clientFirst().getBytes(StandardCharsets.UTF_8);
                    PgWire.writeInt(body, first.length);
                    body.write(first, 0, first.length);
                    out.write(PgWire.message('p', body.toByteArray()));
                    out.flush();
                    break;
                case AUTH_SASL_CONTINUE:
                    out.write(PgWire.message('p', requireScram(scram).clientFinal(
                            new String(m.body(), 4, m.body().length - 4, StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8)));
                    out.flush();
                    break;
                case AUTH_SASL_FINAL:
                    requireScram(scram).verifyServerFinal(new String(m.body(), 4, m.body().length - 4, StandardCharsets.UTF_8));
                    break;
                default:
                    throw new IOException("backend asks for unsupported authentication method " + code);
            }
        }
    }

    private static String requirePassword(String password) throws IOException {
        if (password == null) {
            throw new IOException("backend asks for a password, but the testkit has none for this role");
        }
        return password;
    }

    private static Scram requireScram(Scram scram) throws IOException {
        if (scram == null) {
            throw new IOException("backend sent a SCRAM message out of order");
        }
        return scram;
    }

    private static void sendPassword(OutputStream out, String password) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        PgWire.cstring(body, password);
        out.write(PgWire.message('p', body.toByteArray()));
        out.flush();
    }

    private static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is not available in this JVM", e);
        }
    }

    /** The client side of SCRAM-SHA-256 (RFC 5802/7677) without channel binding, as PostgreSQL speaks it. */
    static final class Scram {
        private final String password;
        private final String clientFirstBare;
        private String authMessage;
        private byte[] saltedPassword;

        Scram(String password) {
            this.password = password;
            byte[] nonce = new byte[18];
            RANDOM.nextBytes(nonce);
            // PostgreSQL takes the user from the startup packet and ignores the SCRAM user name.
            this.clientFirstBare = "n=,r=" + Base64.getEncoder().encodeToString(nonce);
        }

        String clientFirst() {
            return "n,," + clientFirstBare;
        }

        String clientFinal(String serverFirst) throws IOException {
            String nonce = null;
            String salt = null;
            int iterations = 0;
            for (String attr : serverFirst.split(",")) {
                if (attr.startsWith("r=")) {
                    nonce = attr.substring(2);
                } else if (attr.startsWith("s=")) {
                    salt = attr.substring(2);
                } else if (attr.startsWith("i=")) {
                    iterations = Integer.parseInt(attr.substring(2));
                }
            }
            if (nonce == null || salt == null || iterations <= 0 || !nonce.startsWith(clientFirstBare.substring(5))) {
                throw new IOException("invalid SCRAM server-first-message from backend");
            }
            try {
                SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
                saltedPassword = pbkdf2.generateSecret(new PBEKeySpec(password.toCharArray(),
                        Base64.getDecoder().decode(salt), iterations, 256)).getEncoded();
                String withoutProof = "c=biws,r=" + nonce;
                authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
                byte[] clientKey = hmac(saltedPassword, "Client Key");
                byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
                byte[] signature = hmac(storedKey, authMessage);
                for (int i = 0; i < clientKey.length; i++) {
                    clientKey[i] ^= signature[i];
                }
                return withoutProof + ",p=" + Base64.getEncoder().encodeToString(clientKey);
            } catch (GeneralSecurityException e) {
                throw new IOException("SCRAM-SHA-256 computation failed", e);
            }
        }

        void verifyServerFinal(String serverFinal) throws IOException {
            try {
                String expected = "v=" + Base64.getEncoder().encodeToString(
                        hmac(hmac(saltedPassword, "Server Key"), authMessage));
                if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                        serverFinal.trim().getBytes(StandardCharsets.US_ASCII))) {
                    throw new IOException("backend's SCRAM server signature is wrong");
                }
            } catch (GeneralSecurityException e) {
                throw new IOException("SCRAM-SHA-256 computation failed", e);
            }
        }

        private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        }
    }
}
