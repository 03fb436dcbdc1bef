package dev.iamdb.spring;

import dev.iamdb.IamDriver;
import dev.iamdb.TokenProvider;
import dev.iamdb.TokenProviders;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Predicate;

/**
 * The token providers one application context reports in its meters and health: those its own {@link IamDriver}
 * created, and those no other context's driver created (data sources the application builds itself, the driver
 * registered with {@code DriverManager}). So in a JVM with several contexts (cached test contexts, a parent and its
 * children) each reports its own configurations and not its neighbours', while a single application still sees
 * every configuration {@link TokenProviders} lists.
 */
final class ContextProviders implements Predicate<TokenProvider> {
    /**
     * The drivers of every context in this class loader. Held weakly and never removed: a closed context's driver has
     * closed its providers, so it claims nothing that is still reported.
     */
    private static final Set<IamDriver> contextDrivers = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private final IamDriver driver;

    ContextProviders(IamDriver driver) {
        this.driver = claim(driver);
    }

    /**
     * Marks {@code driver} as an application context's, so that other contexts leave its providers out. Called before
     * any connection goes through it: a provider created before would be counted by other contexts on creation and not
     * on closing.
     */
    static IamDriver claim(IamDriver driver) {
        contextDrivers.add(driver);
        return driver;
    }

    @Override
    public boolean test(TokenProvider provider) {
        if (driver.owns(provider)) {
            return true;
        }
        synchronized (contextDrivers) {
            for (IamDriver other : contextDrivers) {
                if (other.owns(provider)) {
                    return false;
                }
            }
        }
        return true;
    }
}
