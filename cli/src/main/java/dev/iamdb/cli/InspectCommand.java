package dev.iamdb.cli;

import dev.iamdb.AuthToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * {@code iamdb inspect}: prints what a token was signed for, because a rejected login only says the
 * password was wrong while the token shows the host, port, region, user, key and expiry that the
 * server checked. Decodes without verifying; prints neither the signature nor the session token.
 */
final class InspectCommand {
    private InspectCommand() {
    }

    static void run(Options options, InputStream in, Clock clock, PrintStream out) throws UsageException {
        if (options.operands().size() != 1) {
            throw new UsageException("'inspect' takes one TOKEN, or '-' to read it from standard input");
        }
        String text = options.operands().get(0);
        // Reading from stdin keeps a live token out of the shell history and the process list.
        AuthToken token = parse(text.equals("-") ? firstLine(in) : text);
        out.println("signed host: " + token.host());
        out.println("port: " + (token.port().isPresent() ? String.valueOf(token.port().getAsInt()) : "-"));
        out.println("service: " + token.service());
        out.println("region: " + token.region());
        out.println("action: " + token.action());
        out.println("user: " + (token.user() == null ? "-" : token.user()));
        out.println("access key id: " + token.accessKeyId());
        out.println("session token: " + yesNo(token.hasSessionToken()));
        out.println("signed at: " + token.signedAt());
        out.println("expires at: " + token.expiresAt());
        out.println("expired: " + yesNo(token.isExpired(clock)));
    }

    private static AuthToken parse(String text) throws UsageException {
        try {
            return AuthToken.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static String firstLine(InputStream in) throws UsageException {
        try {
            String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)).readLine();
            if (line == null) {
                throw new UsageException("no token on standard input");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the token from standard input", e);
        }
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
