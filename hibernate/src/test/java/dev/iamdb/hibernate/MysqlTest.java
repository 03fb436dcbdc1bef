package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.notes.Note;
import dev.iamdb.testing.MysqlTestkitConfigs;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.mysql.LocalIamMysqlDatabase;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.MariaDBDialect;
import org.hibernate.dialect.MySQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The guide's MySQL properties against the MySQL testkit (MariaDB behind a gateway that checks tokens and requires
 * TLS), with MySQL Connector/J and MariaDB Connector/J URLs: Hibernate picks its dialect from the connection as usual.
 */
class MysqlTest {
    static final String GUIDE_PROPERTIES = "docs/hibernate-mysql.properties";

    static LocalIamMysqlDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamMysqlDatabase.builder().user("app").start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @ParameterizedTest
    @CsvSource({"mysql, org.hibernate.dialect.MySQLDialect", "mariadb, org.hibernate.dialect.MariaDBDialect"})
    void persistsAndReadsAnEntityWithTheDialectOfTheUrl(String driver, Class<? extends Dialect> dialect) {
        db.clearDecisions();
        String url = MysqlTestkitConfigs.url(db, driver);
        if (driver.equals("mysql")) {
            // Connector/J's INFORMATION_SCHEMA metadata reads KEYWORDS.RESERVED, a column MySQL 8 has and the testkit's
            // MariaDB lacks; Hibernate reads the keywords while it resolves the dialect. Not needed on real MySQL.
            url += "&useInformationSchema=false";
        }
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .loadProperties(GUIDE_PROPERTIES)
                .applySetting("hibernate.connection.url", url)
                .applySetting("hibernate.connection.awsCredentialsProvider", TestkitConfigs.credentials(db.identity()))
                .applySetting("hibernate.hbm2ddl.auto", "create-drop")
                .build();
        try (SessionFactory sessionFactory = new MetadataSources(registry).addAnnotatedClass(Note.class)
                .buildMetadata().buildSessionFactory()) {
            Dialect actual = sessionFactory.unwrap(SessionFactoryImplementor.class).getJdbcServices().getDialect();
            // MariaDBDialect extends MySQLDialect: compare exactly.
            assertThat(actual.getClass()).isEqualTo(dialect);
            assertThat(MariaDBDialect.class).isAssignableTo(MySQLDialect.class);

            Note note = new Note("on MySQL");
            sessionFactory.inTransaction(s -> s.persist(note));
            String text = sessionFactory.fromTransaction(s -> s.find(Note.class, note.getId()).getText());
            String user = sessionFactory.fromTransaction(s -> s.createNativeQuery("select current_user()", String.class)
                    .getSingleResult());

            assertThat(text).isEqualTo("on MySQL");
            assertThat(user).isEqualTo("app@%");
        }
        assertThat(db.decisions()).isNotEmpty().allMatch(AuthDecision::accepted);
    }
}
