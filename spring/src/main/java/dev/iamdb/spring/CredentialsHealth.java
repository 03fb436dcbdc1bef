package dev.iamdb.spring;

import dev.iamdb.CredentialsCheck;
import dev.iamdb.TokenMetrics;
import dev.iamdb.TokenProvider;
import dev.iamdb.TokenProviders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * What the {@code iamdb} health contributor reports, on either Boot line's health API: whether the credentials of
 * each configuration in use resolve now, and how long they stay valid, without opening a database connection or
 * signing a token (see {@link TokenProvider#checkCredentials}). Down when any fails, with the reason, which never holds
 * a secret.
 *
 * @param up whether every configuration's credentials resolved
 * @param configurations by {@code user@endpoint} (numbered {@code #2}, {@code #3} when several configurations share
 *     one, such as two roles for the same user): the time left or the problem
 */
record CredentialsHealth(boolean up, Map<String, String> configurations) {
    /**
     * A health check must answer; a credentials source that hangs is reported as a failure after this. The checks
     * run at the same time, so this is also the longest a health request waits.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    static CredentialsHealth check(Predicate<? super TokenProvider> providers) {
        List<TokenProvider> reported = new ArrayList<>();
        List<CompletableFuture<CredentialsCheck>> started = new ArrayList<>();
        for (TokenProvider provider : TokenProviders.live()) {
            if (providers.test(provider)) {
                reported.add(provider);
                started.add(provider.checkCredentialsAsync(TIMEOUT));
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < reported.size(); i++) {
            entries.add(new Entry(name(reported.get(i)), started.get(i).join()));
        }
        // By name, then by credentials source, so that the numbering of a shared name stays the same between requests.
        entries.sort(Comparator.comparing(Entry::name).thenComparing(e -> e.check().source()));
        Map<String, String> configurations = new LinkedHashMap<>();
        boolean up = true;
        for (Entry e : entries) {
            String name = e.name();
            for (int n = 2; configurations.containsKey(name); n++) {
                name = e.name() + " #" + n;
            }
            CredentialsCheck check = e.check();
            if (check.resolved()) {
                configurations.put(name, check.timeLeft().map(left -> "credentials valid for " + left.toSeconds() + " s")
                        .orElse("long-term credentials"));
            } else {
                up = false;
                configurations.put(name, check.problem().orElse("credentials did not resolve"));
            }
        }
        return new CredentialsHealth(up, Collections.unmodifiableMap(configurations));
    }

    private record Entry(String name, CredentialsCheck check) {
    }

    private static String name(TokenProvider provider) {
        TokenMetrics m = provider.metrics();
        return m.user() + "@" + m.endpoint();
    }
}
