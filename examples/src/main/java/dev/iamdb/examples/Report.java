package dev.iamdb.examples;

import dev.iamdb.testkit.AuthDecision;
import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** The demo's printed report: aligned, short, and never a token or a secret (nothing here is given one). */
final class Report {
    private static final int WIDTH = 100;
    private static final String INDENT = "      ";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final PrintStream out;

    Report(PrintStream out) {
        this.out = out;
    }

    void title(String text) {
        out.println(text);
        out.println();
    }

    void fact(String name, String value) {
        out.printf("  %-10s %s%n", name, value);
    }

    void step(int number, int of, String title, String role, boolean ok, List<String> lines) {
        out.println();
        out.printf("[%d/%d] %-46s as %-10s %s%n", number, of, title, role, ok ? "OK" : "FAILED");
        lines.forEach(out::println);
    }

    void end(String text) {
        out.println();
        out.println(text);
        out.flush();
    }

    /** A detail line under a step, wrapped to the report's width. */
    static List<String> detail(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(INDENT);
        boolean empty = true;
        for (String word : text.split(" ")) {
            if (!empty && line.length() + 1 + word.length() > WIDTH) {
                lines.add(line.toString());
                line = new StringBuilder(INDENT + "  ");
                empty = true;
            }
            line.append(empty ? "" : " ").append(word);
            empty = false;
        }
        lines.add(line.toString());
        return lines;
    }

    /** One line per login decision of the local server: when (by its clock), who, and why it refused. */
    static String decision(AuthDecision d) {
        return String.format("%sserver %s  %-10s %s", INDENT, TIME.format(d.time()), d.user(),
                d.accepted() ? "accepted" : "REJECTED: " + d.reason());
    }
}
