package dev.iamdb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The {@code <dependency>} blocks the guides show (each module's {@code src/test/resources/docs/dependency.xml})
 * name the module's real coordinates at this build's version, and only dependencies the module builds against,
 * at the versions the build manages.
 */
class DependencySnippetsTest {
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    @ParameterizedTest
    @ValueSource(strings = {"core", "hibernate", "jooq", "flyway", "mybatis", "micrometer", "spring"})
    void dependencyBlockHasTheModulesCoordinatesAndManagedVersions(String module) throws Exception {
        Element parent = xml(Files.readString(Guides.REPOSITORY.resolve("pom.xml")));
        Element pom = xml(Files.readString(Guides.REPOSITORY.resolve(module).resolve("pom.xml")));
        List<Element> shown = dependencies(xml("<snippet>" + Files.readString(
                Guides.REPOSITORY.resolve(module).resolve("src/test/resources/docs/dependency.xml")) + "</snippet>"));

        Element first = shown.get(0);
        assertThat(coordinates(first)).isEqualTo("dev.iamdb:" + child(pom, "artifactId"));
        assertThat(child(first, "version")).isEqualTo(child(parent, "version"));

        Map<String, String> managed = managedVersions(parent);
        List<String> used = new ArrayList<>();
        for (Element d : dependencies(pom)) {
            used.add(coordinates(d));
        }
        for (Element d : shown.subList(1, shown.size())) {
            assertThat(used).as("%s/pom.xml depends on %s", module, coordinates(d)).contains(coordinates(d));
            assertThat(child(d, "version")).as("version of %s", coordinates(d)).isEqualTo(managed.get(coordinates(d)));
        }
    }

    private static Map<String, String> managedVersions(Element parent) {
        Map<String, String> properties = new HashMap<>();
        NodeList props = ((Element) parent.getElementsByTagName("properties").item(0)).getChildNodes();
        for (int i = 0; i < props.getLength(); i++) {
            if (props.item(i) instanceof Element e) {
                properties.put(e.getTagName(), e.getTextContent().strip());
            }
        }
        Map<String, String> versions = new HashMap<>();
        Element management = (Element) parent.getElementsByTagName("dependencyManagement").item(0);
        for (Element d : dependencies(management)) {
            Matcher m = PROPERTY.matcher(child(d, "version"));
            versions.put(coordinates(d), m.matches() ? properties.get(m.group(1)) : child(d, "version"));
        }
        return versions;
    }

    private static List<Element> dependencies(Element root) {
        List<Element> dependencies = new ArrayList<>();
        NodeList nodes = root.getElementsByTagName("dependency");
        for (int i = 0; i < nodes.getLength(); i++) {
            dependencies.add((Element) nodes.item(i));
        }
        return dependencies;
    }

    private static String coordinates(Element dependency) {
        return child(dependency, "groupId") + ":" + child(dependency, "artifactId");
    }

    private static String child(Element element, String name) {
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().strip();
            }
        }
        return null;
    }

    private static Element xml(String text) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(text))).getDocumentElement();
    }
}
