package dev.iamdb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live {@link TokenProvider}s of this class loader, one per configuration in use, whichever route created them:
 * {@link IamDataSource}, {@link IamPooledDataSource}, the framework adapters, or the {@code jdbc:iamdb:} driver,
 * which creates and closes its providers on its own as connection settings come and go. A metrics binder or health
 * check finds them here, without a reference to the data source or driver behind them.
 *
 * <p>A provider is listed from its creation until {@link TokenProvider#close()}, or until it is garbage collected
 * unclosed (the list holds it weakly, so a data source an application drops without closing is not kept alive by
 * it; a listener that keeps providers, such as a meter binder, does keep them). This is a directory for observation
 * only: providers never find each other here, so two configurations still share no credentials or tokens.
 */
public final class TokenProviders {
    private static final Logger log = LoggerFactory.getLogger(TokenProviders.class);
    /** Guarded by itself; listeners are told under the same lock, so each sees added before removed, in order. */
    private static final Set<TokenProvider> live = Collections.newSetFromMap(new WeakHashMap<>());
    private static final List<Listener> listeners = new ArrayList<>();

    private TokenProviders() {
    }

    /** The providers open right now, in no particular order. */
    public static List<TokenProvider> live() {
        synchronized (live) {
            return List.copyOf(live);
        }
    }

    /**
     * Tells {@code listener} about every provider open now ({@link Listener#added}), then about each one created or
     * closed until the returned handle is closed. A listener that throws is logged and otherwise ignored: watching
     * must never break a connection.
     */
    public static AutoCloseable subscribe(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (live) {
            listeners.add(listener);
            for (TokenProvider p : live) {
                tell(listener, p, true);
            }
        }
        return () -> {
            synchronized (live) {
                listeners.remove(listener);
            }
        };
    }

    static void added(TokenProvider provider) {
        synchronized (live) {
            if (live.add(provider)) {
                for (Listener l : listeners) {
                    tell(l, provider, true);
                }
            }
        }
    }

    static void removed(TokenProvider provider) {
        synchronized (live) {
            if (live.remove(provider)) {
                for (Listener l : listeners) {
                    tell(l, provider, false);
                }
            }
        }
    }

    private static void tell(Listener listener, TokenProvider provider, boolean added) {
        try {
            if (added) {
                listener.added(provider);
            } else {
                listener.removed(provider);
            }
        } catch (RuntimeException e) {
            log.warn("Token provider listener {} failed on {} of {}", listener, added ? "creation" : "closing", provider, e);
        }
    }

    /** Told when a token provider is created or closed, on the thread that did it. Keep it short: it holds a lock. */
    public interface Listener {
        /** {@code provider} is open: its {@link TokenProvider#metrics()} start counting now. */
        void added(TokenProvider provider);

        /** {@code provider} is closed: its metrics keep their final values, and it signs no more tokens. */
        void removed(TokenProvider provider);
    }
}
