package dev.iamdb.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads the guides under docs/ and the files their code blocks come from. Tests run in the core module folder. */
final class Guides {
    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    static final Path SNIPPET_RESOURCES = Path.of("src/test/resources/docs");
    static final Path SNIPPET_SOURCES = Path.of("src/test/java/dev/iamdb/docs");

    private static final Pattern FENCE = Pattern.compile("^```[a-z]*\\n(.*?)^```$", Pattern.MULTILINE | Pattern.DOTALL);

    private Guides() {
    }

    static String guide(String name) {
        return read(REPOSITORY.resolve("docs").resolve(name));
    }

    static String snippet(String resourceName) {
        return read(SNIPPET_RESOURCES.resolve(resourceName));
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The contents of every fenced code block, in order. */
    static List<String> codeBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = FENCE.matcher(markdown);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /**
     * Lines without indentation and without blank lines: a block shown at the left margin matches the same code
     * indented inside a class.
     */
    static String flattened(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n", "\n", "\n"));
    }

    /** SQL statements of a script: comments dropped, split at semicolons that end a line. */
    static List<String> statements(String sql) {
        String withoutComments = sql.lines().filter(l -> !l.startsWith("--")).collect(Collectors.joining("\n"));
        List<String> statements = new ArrayList<>();
        for (String s : withoutComments.split(";\\s*(\\n|$)")) {
            if (!s.isBlank()) {
                statements.add(s.strip());
            }
        }
        return statements;
    }
}
