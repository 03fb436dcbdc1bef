package dev.iamdb.testkit;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback server clients connect to. It speaks just enough of the PostgreSQL v3 protocol to
 * negotiate TLS, ask for the password (the IAM token), verify it and open the backend session; after
 * that it relays bytes, rewriting only the DSQL-specific SQL of {@link DsqlStatements}.
 */
final class Gateway implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final int TLS_RECORD_HANDSHAKE = 0x16;
    /** A client that stalls during login must not hold a thread forever. */
    private static final int LOGIN_TIMEOUT_MILLIS = 30_000;
    private static final String INVALID_AUTHORIZATION = "28000";

    private final ServerSocket server;
    private final SSLContext tls;
    private final Service service;
    private final TokenVerifier verifier;
    private final RoleDirectory roles;
    private final Backend backend;
    private final Clock clock;
    private final Duration maxConnectionDuration;
    private final Consumer<AuthDecision> decisions;
    /** DSQL's SQL emulation applied to every session, or null (RDS). */
    private final DsqlStatements statements;
    /** Refuses logins over the connections-per-second quota, or null for no limit. */
    private final ConnectionRateLimiter rateLimiter;
    private final ExecutorService threads;
    private final ScheduledExecutorService scheduler;
    /** Open client connections, closed with the gateway so no session outlives it (an external backend stays up). */
    private final java.util.Set<Socket> clients = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** How long {@link #endSessions()} waits for a session caught in the middle of a backend message to end. */
    private static final Duration SESSION_END_WAIT = Duration.ofSeconds(5);

    /** Sessions past login, for {@link #endSessions()}. */
    private final java.util.Set<Relay> relays = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Counts password messages as they arrive, before any check, so a test can tell none arrived. */
    private final AtomicInteger passwordsReceived;
    private volatile boolean closed;

    Gateway(ServerSocket server, SSLContext tls, Service service, TokenVerifier verifier, RoleDirectory roles,
            Backend backend, Clock clock, Duration maxConnectionDuration, Consumer<AuthDecision> decisions,
            AtomicInteger passwordsReceived, DsqlStatements statements, ConnectionRateLimiter rateLimiter) {
        this.server = server;
        this.tls = tls;
        this.service = service;
        this.verifier = verifier;
        this.roles = roles;
        this.backend = backend;
        this.clock = clock;
        this.maxConnectionDuration = maxConnectionDuration;
        this.decisions = decisions;
        this.passwordsReceived = passwordsReceived;
        this.statements = statements;
        this.rateLimiter = rateLimiter;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> daemon(r, "iamdb-gateway-" + n.incrementAndGet()));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "iamdb-gateway-cutoff"));
        threads.execute(this::acceptLoop);
    }

    /**
     * Binds the loopback port before anything slow starts, so that a port in use fails at once; the
     * {@link BindException} then names the port.
     */
    static ServerSocket listen(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
            return server;
        } catch (BindException e) {
            closeQuietly(server);
            BindException named = new BindException("port " + port + " is in use");
            named.initCause(e);
            throw named;
        } catch (IOException e) {
            closeQuietly(server);
            throw e;
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** Ends every relayed session as the maximum connection duration does; returns how many were open. */
    int endSessions() {
        List<Relay> ending = new ArrayList<>();
        for (Relay relay : relays) {
            if (relay.cutOff()) {
                ending.add(relay);
            }
        }
        try {
            for (Relay relay : ending) {
                relay.awaitEnd(SESSION_END_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ending.size();
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

    private void serve(Socket raw) {
        clients.add(raw);
        try {
            raw.setTcpNoDelay(true);
            raw.setSoTimeout(LOGIN_TIMEOUT_MILLIS);
            login(raw);
        } catch (EOFException | SocketException e) {
            closeQuietly(raw);
        } catch (IOException | RuntimeException e) {
            LOG.debug("gateway session failed", e);
            closeQuietly(raw);
        } finally {
            clients.remove(raw);
        }
    }

    private void login(Socket raw) throws IOException {
        Socket socket = raw;
        InputStream in = raw.getInputStream();
        OutputStream out = raw.getOutputStream();
        boolean encrypted = false;
        while (true) {
            int first = in.read();
            if (first < 0) {
                throw new EOFException();
            }
            if (first == TLS_RECORD_HANDSHAKE && !encrypted) {
                // sslnegotiation=direct: the ClientHello comes without an SSLRequest.
                if (tls == null) {
                    raw.close();
                    return;
                }
                socket = startTls(raw, new ByteArrayInputStream(new byte[] {(byte) first}));
                in = socket.getInputStream();
                out = socket.getOutputStream();
                encrypted = true;
                continue;
            }
            DataInputStream data = new DataInputStream(in);
            int length = first << 24 | data.readUnsignedByte() << 16 | data.readUnsignedShort();
            if (length < 8 || length > PgWire.MAX_STARTUP_LENGTH) {
                throw new IOException("invalid startup packet length " + length);
            }
            int code = data.readInt();
            byte[] rest = new byte[length - 8];
            data.readFully(rest);
            if (code == PgWire.SSL_REQUEST && !encrypted) {
                if (tls == null) {
                    out.write('N');
                    continue;
                }
                out.write('S');
                out.flush();
                socket = startTls(raw, null);
                in = socket.getInputStream();
                out = socket.getOutputStream();
                encrypted = true;
            } else if (code == PgWire.GSSENC_REQUEST) {
                out.write('N');
            } else if (code == PgWire.CANCEL_REQUEST) {
                forwardCancel(code, rest);
                raw.close();
                return;
            } else if (code >>> 16 == 3) {
                authenticate(raw, in, out, encrypted, parseParameters(rest));
                return;
            } else {
                out.write(PgWire.fatal("0A000", "unsupported frontend protocol " + (code >>> 16) + "." + (code & 0xffff)
                        + "; the gateway speaks 3.0"));
                raw.close();
                return;
            }
        }
    }

    private SSLSocket startTls(Socket raw, InputStream consumed) throws IOException {
        SSLSocket ssl = consumed == null
                ? (SSLSocket) tls.getSocketFactory().createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), true)
                : (SSLSocket) tls.getSocketFactory().createSocket(raw, consumed, true);
        ssl.setUseClientMode(false);
        ssl.startHandshake();
        return ssl;
    }

    private void authenticate(Socket raw, InputStream in, OutputStream out, boolean encrypted,
            Map<String, String> params) throws IOException {
        String user = params.get("user");
        String database = params.getOrDefault("database", user);
        if (user == null || user.isEmpty()) {
            reject(raw, out, null, database, null, "no user name in the startup packet");
            return;
        }
        params.putIfAbsent("database", database);
        if (tls != null && !encrypted) {
            reject(raw, out, user, database, null, "TLS required; connect with sslmode=require or stronger");
            return;
        }
        if (rateLimiter != null && !rateLimiter.tryAcquire()) {
            record(user, database, null, false, rateLimiter.refusal());
            out.write(PgWire.fatal(ConnectionRateLimiter.RATE_EXCEEDED, rateLimiter.refusal()));
            out.flush();
            raw.close();
            return;
        }
        out.write(PgWire.authenticationRequest(3, new byte[0]));
        out.flush();
        PgWire.Message reply = PgWire.read(new DataInputStream(in), PgWire.MAX_STARTUP_LENGTH);
        if (reply.type() != 'p') {
            throw new IOException("expected a password message, got '" + reply.type() + "'");
        }
        passwordsReceived.incrementAndGet();
        int end = reply.body().length > 0 && reply.body()[reply.body().length - 1] == 0
                ? reply.body().length - 1 : reply.body().length;
        String token = new String(reply.body(), 0, end, StandardCharsets.UTF_8);
        String accessKeyId = TokenVerifier.accessKeyIdOf(token);
        BackendLogin.Session session;
        try {
            Identity identity = verifier.verify(token, user);
            if (service == Service.DSQL && !"postgres".equals(database)) {
                throw new LoginRejected("database \"" + database + "\" does not exist; DSQL has only postgres");
            }
            roles.check(user, identity);
            if (service == Service.DSQL) {
                params.put("default_transaction_isolation", DsqlConflicts.ISOLATION);
            }
            session = BackendLogin.open(backend.host(), backend.port(), params, backend.passwordFor(user));
        } catch (LoginRejected e) {
            reject(raw, out, user, database, accessKeyId, e.getMessage());
            return;
        } catch (BackendLogin.Refused e) {
            record(user, database, accessKeyId, false, e.getMessage());
            out.write(e.errorResponse);
            out.flush();
            raw.close();
            return;
        } catch (SQLException e) {
            record(user, database, accessKeyId, false, "backend check failed: " + e.getMessage());
            out.write(PgWire.fatal("08006", "the testkit could not check the role: " + e.getMessage()));
            raw.close();
            return;
        }
        record(user, database, accessKeyId, true, "accepted");
        out.write(PgWire.authenticationRequest(0, new byte[0]));
        out.flush();
        raw.setSoTimeout(0);
        Relay relay = new Relay(raw, in, out, session, maxConnectionDuration, statements, service == Service.DSQL);
        relays.add(relay);
        try {
            relay.run(threads, scheduler);
        } finally {
            relays.remove(relay);
        }
    }

    private void reject(Socket raw, OutputStream out, String user, String database, String accessKeyId, String reason)
            throws IOException {
        record(user, database, accessKeyId, false, reason);
        out.write(PgWire.fatal(INVALID_AUTHORIZATION, "IAM authentication failed for user \"" + user + "\": " + reason));
        out.flush();
        raw.close();
    }

    private void record(String user, String database, String accessKeyId, boolean accepted, String reason) {
        LOG.debug("login {} user={} database={} accessKeyId={}: {}", accepted ? "accepted" : "rejected", user, database,
                accessKeyId, reason);
        decisions.accept(new AuthDecision(clock.instant(), user, database, accessKeyId, accepted, reason));
    }

    /** The backend's key data reaches the client unchanged, so the cancel request is valid for the backend as is. */
    private void forwardCancel(int code, byte[] keyData) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(backend.host(), backend.port()), 10_000);
            byte[] packet = new byte[8 + keyData.length];
            PgWire.putInt(packet, 0, packet.length);
            PgWire.putInt(packet, 4, code);
            System.arraycopy(keyData, 0, packet, 8, keyData.length);
            s.getOutputStream().write(packet);
            s.getOutputStream().flush();
            // The backend closes without answering; waiting for that keeps the cancel ordered before our close.
            s.getInputStream().read();
        } catch (IOException e) {
            LOG.debug("forwarding a cancel request failed", e);
        }
    }

    private static Map<String, String> parseParameters(byte[] body) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        int i = 0;
        while (i < body.length && body[i] != 0) {
            int keyEnd = indexOfZero(body, i);
            int valueEnd = indexOfZero(body, keyEnd + 1);
            params.put(new String(body, i, keyEnd - i, StandardCharsets.UTF_8),
                    new String(body, keyEnd + 1, valueEnd - keyEnd - 1, StandardCharsets.UTF_8));
            i = valueEnd + 1;
        }
        return params;
    }

    private static int indexOfZero(byte[] b, int from) throws IOException {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        throw new IOException("malformed startup packet");
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Closing is best effort; the peer may be gone.
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        clients.forEach(Gateway::closeQuietly);
        threads.shutdownNow();
        scheduler.shutdownNow();
    }
}
