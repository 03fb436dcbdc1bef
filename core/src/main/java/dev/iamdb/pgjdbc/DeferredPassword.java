package dev.iamdb.pgjdbc;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.plugin.AuthenticationPlugin;
import org.postgresql.plugin.AuthenticationRequestType;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * Gives pgjdbc the password only when the server asks for it, after TCP, the start-up message and TLS. iamdb uses it
 * for a connection that has no cached token yet, so that the first signature (credentials, the SigV4 signer and the
 * JDK's crypto, all loaded on first use) runs while pgjdbc loads its classes and completes the TLS handshake instead
 * of before them.
 *
 * <p>pgjdbc builds the plugin from the connection's string properties, so the token source is handed over through
 * {@link #ATTEMPT}, a key into a map of the attempts in progress in this JVM; the key carries no secret, and each
 * entry lives only while its connection attempt does.
 */
public final class DeferredPassword implements AuthenticationPlugin {
    /** The connection property naming the attempt whose token this plugin passes on. */
    public static final String ATTEMPT = "iamdbTokenAttempt";

    /** Where the token comes from: waits for it, or throws the SQLException that says why there is none. */
    @FunctionalInterface
    public interface Source {
        String password() throws java.sql.SQLException;
    }

    private static final Map<String, Source> PENDING = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    private final Source source;

    /** Called by pgjdbc (by name, with the connection's properties). */
    public DeferredPassword(Properties properties) {
        String attempt = properties.getProperty(ATTEMPT);
        this.source = attempt == null ? null : PENDING.get(attempt);
    }

    /** Registers {@code source} for one connection attempt; the returned key goes into {@link #ATTEMPT}. */
    public static String register(Source source) {
        String key = Long.toString(NEXT.incrementAndGet());
        PENDING.put(key, source);
        return key;
    }

    /** Forgets the attempt, whether or not pgjdbc asked for its password. */
    public static void unregister(String key) {
        PENDING.remove(key);
    }

    @Override
    public char[] getPassword(AuthenticationRequestType type) throws PSQLException {
        if (source == null) {
            throw new PSQLException("iamdb's deferred password was asked for outside a connection attempt of iamdb",
                    PSQLState.CONNECTION_REJECTED);
        }
        try {
            return source.password().toCharArray();
        } catch (java.sql.SQLException e) {
            // Say only that the token is missing: IamDataSource reports the token's own failure, which says why.
            throw new PSQLException("no IAM token for this connection", PSQLState.CONNECTION_REJECTED, e);
        }
    }
}
