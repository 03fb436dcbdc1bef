package dev.iamdb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Relative links of these guides lead to an existing guide and, with a #fragment, to one of its headings. */
class LinksTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#]*)(?:#([^)]+))?\\)");
    private static final Pattern HEADING = Pattern.compile("^#+ (.+)$", Pattern.MULTILINE);

    @ParameterizedTest
    @ValueSource(strings = {"aws-setup.md", "aurora-dsql.md", "troubleshooting.md"})
    void relativeLinksResolve(String guide) {
        Matcher link = LINK.matcher(Guides.guide(guide));
        while (link.find()) {
            String file = link.group(1).isEmpty() ? guide : link.group(1);
            if (file.startsWith("http")) {
                continue;
            }
            Path target = Guides.REPOSITORY.resolve("docs").resolve(file);
            assertThat(target).as("link target in %s", guide).exists();
            if (link.group(2) != null) {
                assertThat(anchors(target)).as("headings of %s linked from %s", file, guide).contains("#" + link.group(2) + "#");
            }
        }
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens; delimited by '#'. */
    private static String anchors(Path markdown) {
        StringBuilder anchors = new StringBuilder("#");
        Matcher heading = HEADING.matcher(Guides.read(markdown));
        while (heading.find()) {
            String slug = heading.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            anchors.append(slug).append('#');
        }
        return anchors.toString();
    }
}
