package dev.iamdb.testkit.mysql;

import static dev.iamdb.testkit.mysql.MysqlWire.CLEAR_PASSWORD;
import static dev.iamdb.testkit.mysql.MysqlWire.CLIENT_PLUGIN_AUTH;
import static dev.iamdb.testkit.mysql.MysqlWire.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
import static dev.iamdb.testkit.mysql.MysqlWire.CLIENT_PROTOCOL_41;
import static dev.iamdb.testkit.mysql.MysqlWire.CLIENT_SECURE_CONNECTION;
import static dev.iamdb.testkit.mysql.MysqlWire.CLIENT_SSL;
import static dev.iamdb.testkit.mysql.MysqlWire.NATIVE_PASSWORD;
import static dev.iamdb.testkit.mysql.MysqlWire.RESPONSE_FIXED_PART;

import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LoginRejected;
import dev.iamdb.testkit.TokenVerifier;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback server MySQL clients connect to. For each client it opens a backend connection and greets the client
 * with the backend's own HandshakeV10 (offering TLS), requires TLS, switches the client to {@code mysql_clear_password}
 * to receive the IAM token, verifies it, logs in to the backend as the same user with the user's real password, and
 * then relays bytes, rewriting only {@code IDENTIFIED WITH AWSAuthenticationPlugin} statements.
 */
final class MysqlGateway implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(MysqlGateway.class);
    /** A client that stalls during login must not hold a thread forever. */
    private static final int LOGIN_TIMEOUT_MILLIS = 30_000;
    /** Login packets are small; a token with a long session token is a few KiB. */
    private static final int MAX_LOGIN_PACKET = 64 * 1024;

    private final ServerSocket server;
    private final SSLContext tls;
    private final TokenVerifier verifier;
    /** Percona Server's auth_awsiam mode: the identities by session token, or null for RDS's IAM tokens. */
    private final Map<String, Identity> sessionTokens;
    private final IamUsers iamUsers;
    private final MysqlBackend backend;
    private final Clock clock;
    private final Consumer<AuthDecision> decisions;
    /** Counts cleartext passwords (tokens) as they arrive, before any check, so a test can tell none arrived. */
    private final AtomicInteger passwordsReceived;
    private final ExecutorService threads;
    /** Open client and backend sockets, closed with the gateway so no session outlives it. */
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    MysqlGateway(ServerSocket server, SSLContext tls, TokenVerifier verifier, Map<String, Identity> sessionTokens,
            IamUsers iamUsers, MysqlBackend backend, Clock clock, Consumer<AuthDecision> decisions,
            AtomicInteger passwordsReceived) {
        this.server = server;
        this.sessionTokens = sessionTokens;
        this.tls = tls;
        this.verifier = verifier;
        this.iamUsers = iamUsers;
        this.backend = backend;
        this.clock = clock;
        this.decisions = decisions;
        this.passwordsReceived = passwordsReceived;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "iamdb-mysql-gateway-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::acceptLoop);
    }

    /** Binds the loopback port before anything slow starts, so that a port in use fails at once, naming the port. */
    static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
            return s;
        } catch (java.net.BindException e) {
            closeQuietly(s);
            java.net.BindException named = new java.net.BindException("port " + port + " is in use");
            named.initCause(e);
            throw named;
        } catch (IOException e) {
            closeQuietly(s);
            throw e;
        }
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("gateway accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket client) {
        sockets.add(client);
        Socket toBackend = new Socket();
        sockets.add(toBackend);
        try {
            client.setTcpNoDelay(true);
            client.setSoTimeout(LOGIN_TIMEOUT_MILLIS);
            toBackend.setTcpNoDelay(true);
            toBackend.setSoTimeout(LOGIN_TIMEOUT_MILLIS);
            toBackend.connect(new InetSocketAddress(backend.host(), backend.port()), LOGIN_TIMEOUT_MILLIS);
            login(client, toBackend);
        } catch (EOFException | SocketException e) {
            LOG.debug("gateway session ended during login: {}", e.toString());
        } catch (IOException | RuntimeException e) {
            LOG.debug("gateway session failed", e);
        } finally {
            closeQuietly(client);
            closeQuietly(toBackend);
            sockets.remove(client);
            sockets.remove(toBackend);
        }
    }

    private void login(Socket raw, Socket toBackend) throws IOException {
        InputStream backendIn = toBackend.getInputStream();
        OutputStream backendOut = toBackend.getOutputStream();
        Handshake.Greeting greeting = Handshake.Greeting.parse(MysqlWire.read(backendIn, MAX_LOGIN_PACKET).payload());
        OutputStream out = raw.getOutputStream();
        MysqlWire.write(out, 0, greeting.withTls());

        String clientHost = raw.getInetAddress().getHostAddress();
        MysqlWire.Packet first = MysqlWire.read(raw.getInputStream(), MAX_LOGIN_PACKET);
        int caps = first.payload().length >= 4 ? MysqlWire.int4(first.payload(), 0) : 0;
        if (first.payload().length != RESPONSE_FIXED_PART || (caps & CLIENT_SSL) == 0) {
            // A HandshakeResponse in clear text: the token would travel unencrypted, which RDS refuses.
            Handshake.Response response = Handshake.Response.parse(first.payload());
            if (CLEAR_PASSWORD.equals(response.plugin()) && response.authData().length > 0) {
                passwordsReceived.incrementAndGet();
            }
            reject(out, first.sequence() + 1, response.user(), response.database(), null, clientHost,
                    response.authData().length > 0, "TLS required: the client sent its login without SSLRequest");
            return;
        }
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw, clientHost, raw.getPort(), true);
        ssl.setUseClientMode(false);
        ssl.startHandshake();
        InputStream in = ssl.getInputStream();
        out = ssl.getOutputStream();

        MysqlWire.Packet packet = MysqlWire.read(in, MAX_LOGIN_PACKET);
        Handshake.Response response = Handshake.Response.parse(packet.payload());
        int sequence = packet.sequence() + 1;
        String user = response.user();
        int clientCaps = response.capabilities();
        if ((clientCaps & CLIENT_PROTOCOL_41) == 0 || (clientCaps & CLIENT_PLUGIN_AUTH) == 0
                || (clientCaps & (CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)) == 0) {
            reject(out, sequence, user, response.database(), null, clientHost, false,
                    "the client does not support the 4.1 protocol with pluggable authentication");
            return;
        }
        byte[] password = response.authData();
        if (!CLEAR_PASSWORD.equals(response.plugin())) {
            MysqlWire.write(out, sequence, authSwitchToClearPassword());
            MysqlWire.Packet reply = MysqlWire.read(in, MAX_LOGIN_PACKET);
            password = reply.payload();
            sequence = reply.sequence() + 1;
        }
        passwordsReceived.incrementAndGet();
        int end = password.length;
        while (end > 0 && password[end - 1] == 0) {
            end--;
        }
        String token = new String(password, 0, end, StandardCharsets.UTF_8);
        String accessKeyId;
        if (sessionTokens != null) {
            // Percona's auth_awsiam asks STS who holds the session token and accepts when that ARN names the user.
            Identity caller = sessionTokens.get(token);
            accessKeyId = caller == null ? null : caller.accessKeyId();
            String refusal = caller == null ? "the password is not a session token the local AWS issued"
                    : !caller.principalArn().contains(user) ? "the session's role " + caller.principalArn()
                            + " does not name user " + user : null;
            if (refusal != null) {
                reject(out, sequence, user, response.database(), accessKeyId, clientHost, end > 0, refusal);
                return;
            }
        } else {
            accessKeyId = TokenVerifier.accessKeyIdOf(token);
            try {
                verifier.verify(token, user);
            } catch (LoginRejected e) {
                reject(out, sequence, user, response.database(), accessKeyId, clientHost, end > 0, e.getMessage());
                return;
            }
        }

        String backendPassword = iamUsers.passwordFor(user);
        MysqlWire.write(backendOut, 1, response.forBackend(NATIVE_PASSWORD,
                MysqlWire.nativePassword(backendPassword, greeting.scramble())));
        MysqlWire.Packet result = MysqlWire.read(backendIn, MAX_LOGIN_PACKET);
        if (result.first() == MysqlWire.AUTH_SWITCH) {
            result = switchBackendAuth(result, backendIn, backendOut, backendPassword);
        }
        if (result.first() == MysqlWire.ERR) {
            int code = result.payload().length >= 3 ? MysqlWire.int2(result.payload(), 1) : 0;
            if (code == MysqlWire.ER_ACCESS_DENIED || result.payload().length < 3) {
                reject(out, sequence, user, response.database(), accessKeyId, clientHost, true,
                        "user does not exist or is not IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'");
            } else {
                // Unknown database and the like: the client gets the server's own answer, as from RDS.
                record(user, response.database(), accessKeyId, false, "backend refused: "
                        + new String(result.payload(), 9, Math.max(0, result.payload().length - 9), StandardCharsets.UTF_8));
                MysqlWire.write(out, sequence, result.payload());
            }
            return;
        }
        if (result.first() != MysqlWire.OK) {
            reject(out, sequence, user, response.database(), accessKeyId, clientHost, true,
                    "backend asked for an authentication method other than mysql_native_password");
            return;
        }
        record(user, response.database(), accessKeyId, true, "accepted");
        MysqlWire.write(out, sequence, result.payload());
        raw.setSoTimeout(0);
        toBackend.setSoTimeout(0);
        boolean compressed = (clientCaps & MysqlWire.CLIENT_COMPRESS) != 0;
        new MysqlRelay(raw, in, out, toBackend, backendIn, backendOut, compressed ? null : iamUsers).run(threads);
    }

    /**
     * The backend asks for the password again, e.g. for a user of another plugin. Only native passwords are spoken; a
     * request for another plugin is returned as it is, which the caller refuses.
     */
    private static MysqlWire.Packet switchBackendAuth(MysqlWire.Packet request, InputStream backendIn,
            OutputStream backendOut, String password) throws IOException {
        MysqlWire.Reader r = new MysqlWire.Reader(request.payload(), 1);
        String plugin = Handshake.utf8(r.nulTerminated());
        if (!NATIVE_PASSWORD.equals(plugin)) {
            return request;
        }
        byte[] scramble = java.util.Arrays.copyOf(r.bytes(request.payload().length - r.position()), 20);
        MysqlWire.write(backendOut, request.sequence() + 1, MysqlWire.nativePassword(password, scramble));
        return MysqlWire.read(backendIn, MAX_LOGIN_PACKET);
    }

    /** {@code 0xFE mysql_clear_password\0}; the plugin needs no challenge data. */
    private static byte[] authSwitchToClearPassword() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(MysqlWire.AUTH_SWITCH);
        b.writeBytes(CLEAR_PASSWORD.getBytes(StandardCharsets.US_ASCII));
        b.write(0);
        return b.toByteArray();
    }

    private void reject(OutputStream out, int sequence, String user, String database, String accessKeyId,
            String clientHost, boolean usingPassword, String reason) throws IOException {
        record(user, database, accessKeyId, false, reason);
        MysqlWire.write(out, sequence, MysqlWire.accessDenied(user, clientHost, usingPassword));
    }

    private void record(String user, String database, String accessKeyId, boolean accepted, String reason) {
        LOG.debug("login {} user={} database={} accessKeyId={}: {}", accepted ? "accepted" : "rejected", user, database,
                accessKeyId, reason);
        decisions.accept(new AuthDecision(clock.instant(), user, database, accessKeyId, accepted, reason));
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Closing is best effort; the peer may be gone.
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        sockets.forEach(MysqlGateway::closeQuietly);
        threads.shutdownNow();
    }
}
