package dev.iamdb.testkit;

/**
 * A login refused by the gateway; the message is the short reason sent to the client and recorded. Never holds the
 * token. Public because {@link TokenVerifier#verify} throws it.
 */
public final class LoginRejected extends Exception {

    private static final long serialVersionUID = 1L;

    LoginRejected(String reason) {
        super(reason, null, false, false);
    }
}
