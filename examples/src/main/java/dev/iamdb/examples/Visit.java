package dev.iamdb.examples;

import java.util.Optional;

/**
 * What an example did in the guestbook: it signed in as {@code role}, wrote one entry, read it back by its
 * id and counted all entries.
 *
 * @param role       {@code current_user} as the database saw it
 * @param readBack   the message of the entry just written, read back by its id
 * @param entries    how many entries the guestbook holds afterwards
 * @param tokens     the token counters of the example's pool, when the integration exposes them
 */
public record Visit(String role, String readBack, long entries, Optional<TokenCounts> tokens) {

    @Override
    public String toString() {
        return "signed in as " + role + ", read back \"" + readBack + "\", " + entries + " entries in the guestbook"
                + tokens.map(t -> "; " + t).orElse("");
    }
}
