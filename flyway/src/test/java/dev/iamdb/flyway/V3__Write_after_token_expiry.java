package dev.iamdb.flyway;

import dev.iamdb.testkit.ManualClock;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A migration during which the token signed at the start of the run expires: it moves the clock shared by
 * iamdb and the local database past the token's lifetime, then opens a further connection through
 * Flyway's data source (which needs a new token) and writes over the connection Flyway opened with the
 * old one (an open session outlives its token).
 */
class V3__Write_after_token_expiry extends BaseJavaMigration {
    private final ManualClock clock;

    V3__Write_after_token_expiry(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public void migrate(Context context) throws Exception {
        clock.advance(Duration.ofMinutes(20));
        try (Connection later = context.getConfiguration().getDataSource().getConnection();
             Statement s = later.createStatement()) {
            s.execute("SELECT count(*) FROM note");
        }
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("INSERT INTO note (id, body) VALUES (1, 'written after the first token expired')");
        }
    }
}
