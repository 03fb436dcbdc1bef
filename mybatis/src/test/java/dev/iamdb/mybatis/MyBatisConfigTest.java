package dev.iamdb.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.notes.Note;
import com.example.notes.NoteMapper;
import com.example.notes.TagMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.IamConfigException;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.testkit.DefaultChainCredentials;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.io.Resources;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The mybatis-config.xml that docs/mybatis.md shows, unchanged, against the testkit. Only what points at the
 * testkit differs from production: db.url (loopback address, the testkit's CA, iamHost = the emulated endpoint),
 * given as MyBatis properties, and the credentials, which the default chain reads from system properties.
 */
class MyBatisConfigTest {
    private static final String CONFIG = "mybatis-config.xml";
    private static final Identity NOTES = Identity.of("AKIANOTESEXAMPLE0001", "notes-example-secret",
            "arn:aws:iam::123456789012:role/notes");

    @RegisterExtension
    static final LocalIamDatabaseExtension extension = new LocalIamDatabaseExtension(
            LocalIamDatabase.builder().identity(NOTES).role("app"));

    private static DefaultChainCredentials credentials;
    private static SqlSessionFactory app;
    private static SqlSessionFactory admin;

    @BeforeAll
    static void buildBothEnvironments(LocalIamDatabase db) throws IOException, SQLException {
        credentials = DefaultChainCredentials.use(NOTES);
        // docs/mybatis.md, "Testing" and "Several environments", verbatim.
        Properties properties = new Properties();
        properties.setProperty("db.url", db.iamdbJdbcUrl());
        SqlSessionFactory app;
        SqlSessionFactory admin;
        try (Reader config = Resources.getResourceAsReader("mybatis-config.xml")) {
            app = new SqlSessionFactoryBuilder().build(config, "app", properties);
        }
        try (Reader config = Resources.getResourceAsReader("mybatis-config.xml")) {
            admin = new SqlSessionFactoryBuilder().build(config, "admin", properties);
        }
        app.getConfiguration().addMapper(SessionMapper.class);
        admin.getConfiguration().addMapper(SessionMapper.class);
        MyBatisConfigTest.app = app;
        MyBatisConfigTest.admin = admin;
        try (SqlSession session = admin.openSession(true); Statement s = session.getConnection().createStatement()) {
            s.execute("create table note (id bigint primary key, body text not null)");
            s.execute("create table tag (note_id bigint not null, name text not null, primary key (note_id, name))");
            s.execute("grant select, insert, update, delete on note, tag to app");
        }
    }

    @AfterAll
    static void closeAndRestore() {
        for (SqlSessionFactory sqlSessionFactory : new SqlSessionFactory[] {app, admin}) {
            if (sqlSessionFactory != null) {
                ((IamPooledDataSource) sqlSessionFactory.getConfiguration().getEnvironment().getDataSource()).close();
            }
        }
        credentials.close();
    }

    private static SqlSessionFactory build(String environment, String url) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("db.url", url);
        try (Reader config = Resources.getResourceAsReader(CONFIG)) {
            SqlSessionFactory factory = new SqlSessionFactoryBuilder().build(config, environment, properties);
            factory.getConfiguration().addMapper(SessionMapper.class);
            return factory;
        }
    }

    private static IamPooledDataSource dataSource(SqlSessionFactory f) {
        return (IamPooledDataSource) f.getConfiguration().getEnvironment().getDataSource();
    }

    @Test
    void theGuideShowsThisConfiguration() throws IOException {
        String guide = Files.readString(Path.of("..", "docs", "mybatis.md"), StandardCharsets.UTF_8);
        try (InputStream config = Resources.getResourceAsStream(CONFIG)) {
            assertThat(guide).as("docs/mybatis.md must show src/test/resources/%s verbatim", CONFIG)
                    .contains(new String(config.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theXmlMapperCreatesReadsUpdatesAndDeletes() {
        try (SqlSession session = app.openSession()) {
            NoteMapper notes = session.getMapper(NoteMapper.class);
            assertThat(notes.insert(new Note(1, "buy milk"))).isEqualTo(1);
            assertThat(notes.findById(1).getBody()).isEqualTo("buy milk");
            assertThat(notes.update(new Note(1, "buy oat milk"))).isEqualTo(1);
            session.commit();
        }
        try (SqlSession session = app.openSession()) {
            NoteMapper notes = session.getMapper(NoteMapper.class);
            assertThat(notes.findById(1).getBody()).isEqualTo("buy oat milk");
            assertThat(notes.delete(1)).isEqualTo(1);
            session.commit();
            assertThat(notes.findById(1)).isNull();
        }
    }

    @Test
    void theAnnotationMapperCreatesReadsUpdatesAndDeletes() {
        try (SqlSession session = app.openSession()) {
            TagMapper tags = session.getMapper(TagMapper.class);
            tags.insert(2, "home");
            tags.insert(2, "urgent");
            session.commit();
            assertThat(tags.namesOf(2)).containsExactly("home", "urgent");
            assertThat(tags.rename(2, "urgent", "later")).isEqualTo(1);
            session.commit();
            assertThat(tags.namesOf(2)).containsExactly("home", "later");
            assertThat(tags.deleteAll(2)).isEqualTo(2);
            session.commit();
            assertThat(tags.namesOf(2)).isEmpty();
        }
    }

    @Test
    void placeholdersAndPrefixedPropertiesReachTheConfigurationThePoolAndTheDriver() throws SQLException {
        IamPooledDataSource pool = dataSource(app);
        // ${db.url} came from the Properties given to build(), not from the <properties> default.
        assertThat(pool.tokenProvider().toString()).contains("host=127.0.0.1");
        HikariDataSource hikari = pool.unwrap(HikariDataSource.class);
        assertThat(hikari.getMaximumPoolSize()).isEqualTo(10);
        assertThat(hikari.getMinimumIdle()).isEqualTo(2);
        try (SqlSession session = app.openSession()) {
            assertThat(session.getMapper(SessionMapper.class).applicationName()).isEqualTo("notes");
        }
    }

    @Test
    void eachEnvironmentHasItsOwnPoolRoleAndTokens(LocalIamDatabase db) {
        try (SqlSession a = admin.openSession(); SqlSession b = app.openSession()) {
            assertThat(a.getMapper(SessionMapper.class).currentUser()).isEqualTo("admin");
            assertThat(b.getMapper(SessionMapper.class).currentUser()).isEqualTo("app");
        }
        assertThat(dataSource(admin)).isNotSameAs(dataSource(app));
        assertThat(dataSource(admin).tokenProvider()).isNotSameAs(dataSource(app).tokenProvider());
        assertThat(dataSource(admin).tokenProvider().tokensSigned()).isEqualTo(1);
        assertThat(dataSource(app).tokenProvider().tokensSigned()).isEqualTo(1);
        assertThat(db.decisions()).extracting(AuthDecision::user).contains("admin", "app");
        assertThat(db.decisions()).extracting(AuthDecision::accepted).containsOnly(true);
    }

    /** docs/mybatis.md's short name: one typeAlias line, then type="IAMDB", as MyBatis' own POOLED. */
    @Test
    void theShortNameIamdbNamesTheFactoryAfterOneTypeAliasLine(LocalIamDatabase db) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("db.url", db.iamdbJdbcUrl());
        SqlSessionFactory factory;
        try (Reader config = Resources.getResourceAsReader("mybatis-alias-config.xml")) {
            factory = new SqlSessionFactoryBuilder().build(config, properties);
        }
        factory.getConfiguration().addMapper(SessionMapper.class);
        try (IamPooledDataSource pool = dataSource(factory); SqlSession session = factory.openSession()) {
            assertThat(session.getMapper(SessionMapper.class).currentUser()).isEqualTo("app");
        }
    }

    @Test
    void aMistakeFailsTheBuildWithTheCoresMessage(LocalIamDatabase db) {
        // Connecting through 127.0.0.1 without iamHost: the token would be signed for the wrong host.
        String withoutIamHost = "jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres";
        assertThatThrownBy(() -> build("app", withoutIamHost))
                .isInstanceOf(PersistenceException.class)
                .hasMessageContaining("Cannot tell the AWS service and region from host '127.0.0.1'")
                .hasMessageContaining("set iamHost")
                .rootCause().isInstanceOfSatisfying(IamConfigException.class,
                        e -> assertThat(e.property()).isEqualTo("iamHost"));
    }
}
