package dev.iamdb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every code block of these guides is a file the tests use, or part of one: a block that is not would be
 * documentation nothing runs or checks. aurora-dsql.md is not among them because its framework snippets are run by the
 * adapters' tests; {@link RepositoryCodeBlocksTest} finds them there.
 */
class CodeBlocksTest {

    @ParameterizedTest
    @ValueSource(strings = {"aws-setup.md", "troubleshooting.md"})
    void everyCodeBlockIsTestedMaterial(String guide) throws IOException {
        List<String> tested = testedFiles().stream().map(Guides::read).map(Guides::flattened).collect(Collectors.toList());

        for (String block : Guides.codeBlocks(Guides.guide(guide))) {
            String flat = Guides.flattened(block);
            assertThat(tested).as("a file under %s or %s containing this block of %s:%n%s",
                            Guides.SNIPPET_RESOURCES, Guides.SNIPPET_SOURCES, guide, block)
                    .anyMatch(file -> file.contains(flat));
        }
    }

    private static List<Path> testedFiles() throws IOException {
        try (Stream<Path> resources = Files.list(Guides.SNIPPET_RESOURCES);
             Stream<Path> sources = Files.list(Guides.SNIPPET_SOURCES)) {
            return Stream.concat(resources, sources).collect(Collectors.toList());
        }
    }
}
