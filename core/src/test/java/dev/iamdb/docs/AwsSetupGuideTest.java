package dev.iamdb.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.AuthToken;
import dev.iamdb.IamConfig;
import dev.iamdb.IamDataSource;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.TokenProvider;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.Service;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.VersionInfo;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * Runs and checks what docs/aws-setup.md tells users to do: the policies name the actions iamdb's tokens carry,
 * the SQL sets up roles the IAM-verifying PostgreSQL then accepts, the AWS CLI options exist, the SDK modules
 * exist in the SDK's BOM, and a named profile works. The guide shows these files verbatim ({@link CodeBlocksTest}).
 */
class AwsSetupGuideTest {
    /** AWS's documentation example keys, as in credentials.ini. */
    private static final String EXAMPLE_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    private static final String EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String APPLICATION_ROLE_ARN = "arn:aws:iam::111122223333:role/orders-service";
    private static final AwsCredentialsProvider FAKE = StaticCredentialsProvider.create(
            AwsBasicCredentials.create(EXAMPLE_KEY_ID, EXAMPLE_SECRET));

    @Test
    void dsqlPoliciesAllowTheActionsOfIamdbsTokensOnTheCluster() throws SQLException {
        String url = "jdbc:postgresql://abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws:5432/postgres";
        assertPolicy("dsql-connect-policy.json", "dsql:" + tokenAction(url, "app"),
                "arn:aws:dsql:us-east-1:<account-id>:cluster/<cluster-id>");
        assertPolicy("dsql-admin-policy.json", "dsql:" + tokenAction(url, "admin"),
                "arn:aws:dsql:us-east-1:<account-id>:cluster/<cluster-id>");
    }

    @Test
    void rdsPolicyAllowsConnectAsTheUserTheSqlCreates() throws SQLException {
        String action = tokenAction("jdbc:postgresql://orders-db.abc123xyz.us-east-1.rds.amazonaws.com:5432/postgres", "app");
        assertPolicy("rds-connect-policy.json", "rds-db:" + action,
                "arn:aws:rds-db:us-east-1:<account-id>:dbuser:<DbiResourceId>/app",
                "arn:aws:rds-db:us-east-1:<account-id>:dbuser:<DbClusterResourceId>/app");
        assertThat(Guides.statements(Guides.snippet("rds-users.sql"))).contains("CREATE USER app", "GRANT rds_iam TO app");
    }

    @Test
    void dsqlRoleSetUpLetsTheApplicationLogInWithItsProfileUntilRevoked(@TempDir Path home) throws Exception {
        // One identity plays both parts: the testkit maps admin to it, and the script maps app to it.
        Identity application = Identity.of(EXAMPLE_KEY_ID, EXAMPLE_SECRET, APPLICATION_ROLE_ARN);
        try (LocalIamDatabase db = LocalIamDatabase.builder().identity(application).start();
             IamPooledDataSource admin = new IamPooledDataSource(config(db, "admin"))) {
            try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            }
            runDsqlScript(admin, Guides.snippet("dsql-roles.sql"));

            Path credentials = Files.writeString(home.resolve("credentials"), Guides.snippet("credentials.ini"));
            Path config = Files.writeString(home.resolve("config"), "");
            withSystemProperties(credentials, config, () -> {
                try (IamPooledDataSource app = ProfileSetup.ordersDev(testkitUrl(db));
                     Connection c = app.getConnection(); Statement s = c.createStatement()) {
                    assertThat(s.executeUpdate("INSERT INTO orders VALUES (1)")).isEqualTo(1);
                }
                runDsqlScript(admin, Guides.snippet("dsql-role-mappings.sql"));
                assertThatThrownBy(() -> ProfileSetup.ordersDev(testkitUrl(db)).close())
                        .hasStackTraceContaining("The server rejected the IAM token for user 'app'")
                        .hasStackTraceContaining("is not granted to " + APPLICATION_ROLE_ARN);
                return null;
            });
        }
    }

    @Test
    void rdsUserSetUpLetsTheUserLogInWithIam() throws Exception {
        try (LocalIamDatabase db = LocalIamDatabase.builder().service(Service.RDS).start()) {
            // As the guide says: connected as the master user, itself logged in with IAM.
            IamConfig master = IamConfig.builder().url(testkitUrl(db))
                    .property("user", db.masterUser()).credentialsProvider(credentials(db)).build();
            try (IamDataSource dataSource = new IamDataSource(master);
                 Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders (id int PRIMARY KEY)");
                for (String statement : Guides.statements(Guides.snippet("rds-users.sql"))) {
                    s.execute(statement);
                }
            }
            IamConfig app = IamConfig.builder().url(testkitUrl(db))
                    .property("user", "app").credentialsProvider(credentials(db)).build();
            try (IamDataSource dataSource = new IamDataSource(app);
                 Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("INSERT INTO orders VALUES (1)")).isEqualTo(1);
            }
        }
    }

    @Test
    void cliOptionsAndQueriesExistInTheRdsApi() throws Exception {
        List<String> commands = Guides.snippet("rds-enable-iam.sh").lines().filter(l -> l.startsWith("aws rds ")).collect(Collectors.toList());
        assertThat(commands).hasSize(4);
        for (String command : commands) {
            String[] words = command.split(" ");
            String operation = pascal(words[2]);
            Class<?> request = Class.forName("software.amazon.awssdk.services.rds.model." + operation + "Request");
            List<String> members = members(request);
            for (int i = 3; i < words.length; i++) {
                if (words[i].equals("--query")) {
                    assertQueryNamesResponseMembers(operation, words[++i]);
                } else if (words[i].startsWith("--")) {
                    String option = words[i].substring(2).replace("-", "");
                    assertThat(members).as("%s option %s", operation, words[i]).anyMatch(m -> m.equalsIgnoreCase(option));
                }
            }
        }
    }

    /** The Lambda recipe leaves out exactly the SDK modules core adds for the routes that call AWS, at core's version. */
    @Test
    void theSmallerJarRecipeExcludesWhatCoreAddsForStsAndSso() throws Exception {
        Element shown = (Element) xml("core-without-sts-sso.xml").getElementsByTagName("dependency").item(0);
        org.w3c.dom.Document core = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Guides.REPOSITORY.resolve("core/pom.xml").toFile());
        assertThat(text(shown, "artifactId")).isEqualTo("iamdb-core");
        assertThat(text(shown, "version")).isEqualTo(text((Element) core.getElementsByTagName("parent").item(0), "version"));
        List<String> excluded = new ArrayList<>();
        NodeList exclusions = shown.getElementsByTagName("exclusion");
        for (int i = 0; i < exclusions.getLength(); i++) {
            excluded.add(text((Element) exclusions.item(i), "groupId") + ":" + text((Element) exclusions.item(i), "artifactId"));
        }
        List<String> coreRuntime = new ArrayList<>();
        NodeList dependencies = core.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element d = (Element) dependencies.item(i);
            if (d.getParentNode().getNodeName().equals("dependencies") && d.getElementsByTagName("scope").getLength() == 0) {
                coreRuntime.add(text(d, "groupId") + ":" + text(d, "artifactId"));
            }
        }
        assertThat(excluded).containsExactly("software.amazon.awssdk:sts", "software.amazon.awssdk:sso",
                "software.amazon.awssdk:ssooidc", "software.amazon.awssdk:url-connection-client");
        assertThat(coreRuntime).containsAll(excluded);
    }

    /** Every statement as written, through the gateway, which runs Aurora DSQL's AWS IAM statements and view itself. */
    private static void runDsqlScript(IamPooledDataSource admin, String script) throws SQLException {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            for (String statement : Guides.statements(script)) {
                s.execute(statement);
            }
        }
    }

    private static void assertPolicy(String file, String action, String... resources) {
        JsonNode statement = JsonNodeParser.create().parse(Guides.snippet(file)).field("Statement").get().asArray().get(0);
        assertThat(statement.field("Effect").get().asString()).isEqualTo("Allow");
        assertThat(statement.field("Action").get().asString()).isEqualTo(action);
        JsonNode resource = statement.field("Resource").get();
        List<String> named = resource.isArray()
                ? resource.asArray().stream().map(JsonNode::asString).collect(Collectors.toList())
                : List.of(resource.asString());
        assertThat(named).containsExactly(resources);
    }

    /** The Action iamdb's token carries for this endpoint and user, read back from a signed token. */
    private static String tokenAction(String url, String user) throws SQLException {
        IamConfig config = IamConfig.builder().url(url).property("user", user).credentialsProvider(FAKE).build();
        try (TokenProvider tokens = new TokenProvider(config)) {
            return AuthToken.parse(tokens.token()).action();
        }
    }

    private static void assertQueryNamesResponseMembers(String operation, String query) throws Exception {
        Matcher m = Pattern.compile("'(\\w+)\\[0]\\.(\\w+)'").matcher(query);
        assertThat(m.matches()).as(query).isTrue();
        Class<?> response = Class.forName("software.amazon.awssdk.services.rds.model." + operation + "Response");
        Method list = Stream.of(response.getMethods())
                .filter(method -> method.getParameterCount() == 0 && method.getName().equalsIgnoreCase(m.group(1)))
                .findFirst().orElseThrow(() -> new AssertionError(operation + " returns no " + m.group(1)));
        Class<?> element = (Class<?>) ((ParameterizedType) list.getGenericReturnType()).getActualTypeArguments()[0];
        assertThat(members(element)).as("%s of %s", m.group(2), element.getSimpleName()).contains(m.group(2));
    }

    private static List<String> members(Class<?> model) throws Exception {
        Method builder = model.getMethod("builder");
        SdkPojo pojo = (SdkPojo) builder.getReturnType().getMethod("build").invoke(builder.invoke(null));
        return pojo.sdkFields().stream().map(SdkField::memberName).collect(Collectors.toList());
    }

    private static String pascal(String kebab) {
        return Stream.of(kebab.split("-")).map(w -> w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1))
                .collect(Collectors.joining());
    }

    private static org.w3c.dom.Document xml(String file) throws Exception {
        String wrapped = "<snippet>" + Guides.snippet(file) + "</snippet>";
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(wrapped.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(Element e, String child) {
        return e.getElementsByTagName(child).item(0).getTextContent();
    }

    /** software/amazon/awssdk in the local Maven repository the SDK on the class path came from. */
    private static Path localRepositoryAwsSdk() throws URISyntaxException {
        Path authJar = Path.of(AwsCredentialsProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return authJar.getParent().getParent().getParent();
    }

    private static IamConfig config(LocalIamDatabase db, String user) {
        return TestkitConfigs.config(db, user).build();
    }

    private static AwsCredentialsProvider credentials(LocalIamDatabase db) {
        return TestkitConfigs.credentials(db.identity());
    }

    /** The guide's production URL pointed at the testkit: its address, its CA and its emulated endpoint name. */
    private static String testkitUrl(LocalIamDatabase db) {
        return db.iamdbJdbcUrl();
    }

    private interface Body {
        Object run() throws Exception;
    }

    /** Points the SDK's profile files at {@code credentials} and {@code config}; restores the previous values. */
    private static void withSystemProperties(Path credentials, Path config, Body body) throws Exception {
        String oldCredentials = System.getProperty("aws.sharedCredentialsFile");
        String oldConfig = System.getProperty("aws.configFile");
        System.setProperty("aws.sharedCredentialsFile", credentials.toString());
        System.setProperty("aws.configFile", config.toString());
        try {
            body.run();
        } finally {
            restore("aws.sharedCredentialsFile", oldCredentials);
            restore("aws.configFile", oldConfig);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
