package dev.iamdb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/troubleshooting.md true to the code: every message it lists must still be given. A message is shown
 * with {@code …} where a value is filled in; each piece between them must occur in a string of iamdb's sources
 * (adjacent literals joined, as {@code "a " + "b"} reads "a b"), or, for the libraries' table, among the strings of
 * the AWS SDK's and HikariCP's classes.
 */
class TroubleshootingGuideTest {
    private static final List<String> IAMDB_MODULES = List.of("core", "hibernate", "jooq", "mybatis", "flyway", "testkit");
    private static final List<String> LIBRARY_JARS = List.of("auth-", "sdk-core-", "HikariCP-");
    private static final Pattern FIRST_CELL = Pattern.compile("^\\| `([^`]+)` \\|", Pattern.MULTILINE);
    private static final Pattern LITERAL_JOIN = Pattern.compile("\"\\s*\\+\\s*\"");

    @Test
    void everyIamdbMessageIsStillInTheSources() throws IOException {
        List<String> messages = messages("iamdb");
        assertThat(messages).hasSizeGreaterThan(40);
        String sources = iamdbSources();

        for (String message : messages) {
            for (String piece : pieces(message)) {
                assertThat(sources).as("iamdb source giving \"%s\" (from the message `%s`)", piece, message).contains(piece);
            }
        }
    }

    @Test
    void everyLibraryMessageIsStillInTheLibraries() throws IOException {
        List<String> messages = messages("libraries");
        assertThat(messages).hasSizeGreaterThan(5);
        String strings = libraryStrings();

        for (String message : messages) {
            for (String piece : pieces(message)) {
                assertThat(strings).as("library string \"%s\" (from the message `%s`)", piece, message).contains(piece);
            }
        }
    }

    /** First-column messages of the tables between {@code <!-- messages:<kind>:start -->} and its end marker. */
    private static List<String> messages(String kind) {
        String guide = Guides.guide("troubleshooting.md");
        Matcher section = Pattern.compile("<!-- messages:" + kind + ":start -->(.*?)<!-- messages:" + kind + ":end -->",
                Pattern.DOTALL).matcher(guide);
        List<String> messages = new ArrayList<>();
        while (section.find()) {
            Matcher cell = FIRST_CELL.matcher(section.group(1));
            while (cell.find()) {
                messages.add(cell.group(1));
            }
        }
        return messages;
    }

    private static List<String> pieces(String message) {
        return Stream.of(message.split("…")).map(String::strip).filter(p -> !p.isEmpty()).collect(Collectors.toList());
    }

    private static String iamdbSources() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String module : IAMDB_MODULES) {
            Path root = Guides.REPOSITORY.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList())) {
                    all.append(LITERAL_JOIN.matcher(Guides.read(file)).replaceAll("")).append('\n');
                }
            }
        }
        return all.toString();
    }

    /** The string constants of the libraries' classes, joined in constant-pool order, as concatenated messages read. */
    private static String libraryStrings() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            String name = jar.getFileName().toString();
            if (name.endsWith(".jar") && LIBRARY_JARS.stream().anyMatch(name::startsWith)) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                        ZipEntry classFile = e.nextElement();
                        if (classFile.getName().endsWith(".class")) {
                            try (InputStream in = zip.getInputStream(classFile)) {
                                all.append(utf8Constants(new DataInputStream(in))).append('\n');
                            }
                        }
                    }
                }
            }
        }
        assertThat(all).as("classes of %s on the test class path", LIBRARY_JARS).isNotEmpty();
        return all.toString();
    }

    private static String utf8Constants(DataInputStream in) throws IOException {
        in.skipBytes(8);
        int count = in.readUnsignedShort();
        StringBuilder strings = new StringBuilder();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> strings.append(in.readUTF());
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> {
                    in.skipBytes(8);
                    i++;
                }
                default -> throw new IOException("constant pool tag " + tag);
            }
        }
        return strings.toString();
    }
}
