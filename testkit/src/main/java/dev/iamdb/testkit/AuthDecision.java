package dev.iamdb.testkit;

import java.time.Instant;

/**
 * What the gateway decided about one login attempt, recorded so tests can assert why a connection
 * was accepted or refused. Never holds the token or any secret.
 *
 * @param time        when the decision was made, by the gateway's clock
 * @param user        the user (role) from the startup message, or null if the client never sent one
 * @param database    the database from the startup message, or null
 * @param accessKeyId the access key id from the token's credential scope, or null if it could not be parsed
 * @param accepted    whether the login was let through to the database
 * @param reason      why: {@code "accepted"} or a short description of the first failed check
 */
public record AuthDecision(Instant time, String user, String database, String accessKeyId, boolean accepted,
        String reason) {
}
