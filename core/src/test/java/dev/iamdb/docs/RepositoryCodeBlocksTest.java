package dev.iamdb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fenced code block of README.md and docs/*.md is part of a file the build compiles, runs or checks: a
 * module's sources or resources, the example projects, or the CI script. Where a block comes from is up to the
 * guide's own test; this test only makes sure no block is text that nothing uses.
 */
class RepositoryCodeBlocksTest {
    private static List<String> testedFiles;

    @BeforeAll
    static void readTestedFiles() throws IOException {
        try (Stream<Path> files = Files.walk(Guides.REPOSITORY)) {
            testedFiles = files.filter(Files::isRegularFile).filter(RepositoryCodeBlocksTest::isTestedMaterial)
                    .map(RepositoryCodeBlocksTest::textOrEmpty).map(Guides::flattened).collect(Collectors.toList());
        }
    }

    static List<String> documents() throws IOException {
        List<String> documents = new ArrayList<>(List.of("README.md"));
        try (Stream<Path> docs = Files.list(Guides.REPOSITORY.resolve("docs"))) {
            docs.map(p -> "docs/" + p.getFileName()).filter(name -> name.endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void everyCodeBlockIsTestedMaterial(String document) {
        List<String> untested = Guides.codeBlocks(Guides.read(Guides.REPOSITORY.resolve(document))).stream()
                .filter(block -> testedFiles.stream().noneMatch(file -> file.contains(Guides.flattened(block))))
                .collect(Collectors.toList());
        assertThat(untested).as("code blocks of %s that no file under a module's src/, examples/ or .ci/ contains",
                document).isEmpty();
    }

    /** Sources, resources and scripts; not the documents themselves, not build output. */
    private static boolean isTestedMaterial(Path file) {
        String path = Guides.REPOSITORY.relativize(file).toString().replace('\\', '/');
        if (path.endsWith(".md") || path.startsWith("docs/") || path.startsWith(".git/") || ("/" + path).contains("/target/")) {
            return false;
        }
        return path.startsWith(".ci/") || path.startsWith("examples/") || path.contains("/src/");
    }

    private static String textOrEmpty(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException binary) {
            return "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
