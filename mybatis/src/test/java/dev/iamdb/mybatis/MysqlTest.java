package dev.iamdb.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamPooledDataSource;
import dev.iamdb.testing.MysqlTestkitConfigs;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.DefaultChainCredentials;
import dev.iamdb.testkit.mysql.LocalIamMysqlDatabase;
import java.io.IOException;
import java.io.Reader;
import java.util.Properties;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import org.apache.ibatis.io.Resources;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/mybatis.md's MySQL configuration (mybatis-mysql-config.xml) against the MySQL testkit, MariaDB behind a gateway
 * that checks tokens and requires TLS: only db.url is pointed at the testkit; credentials come from the default chain.
 */
class MysqlTest {
    static LocalIamMysqlDatabase db;
    private static DefaultChainCredentials credentials;

    /** A mapper for this test only: the guide's note mappers are written for PostgreSQL. */
    public interface Notes {
        @Update("create table if not exists note (id bigint primary key, body text not null)")
        void createTable();

        @Insert("insert into note (id, body) values (#{id}, #{body})")
        void insert(@org.apache.ibatis.annotations.Param("id") long id, @org.apache.ibatis.annotations.Param("body") String body);

        @Select("select body from note where id = #{id}")
        String body(long id);

        @Select("select current_user()")
        String currentUser();
    }

    @BeforeAll
    static void start() {
        db = LocalIamMysqlDatabase.builder().user("app").start();
        credentials = DefaultChainCredentials.use(db.identity());
    }

    @AfterAll
    static void stop() {
        credentials.close();
        db.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "mysql"})
    void theGuidesConfigurationMapsAndQueriesThroughTheIamPool(String driver) throws IOException {
        db.clearDecisions();
        Properties properties = new Properties();
        properties.setProperty("db.url", MysqlTestkitConfigs.url(db, driver));
        SqlSessionFactory factory;
        try (Reader config = Resources.getResourceAsReader("mybatis-mysql-config.xml")) {
            factory = new SqlSessionFactoryBuilder().build(config, properties);
        }
        factory.getConfiguration().addMapper(Notes.class);
        long id = driver.hashCode();
        try (IamPooledDataSource pool = (IamPooledDataSource) factory.getConfiguration().getEnvironment().getDataSource()) {
            try (SqlSession session = factory.openSession(true)) {
                Notes notes = session.getMapper(Notes.class);
                notes.createTable();
                notes.insert(id, "through " + driver);
                assertThat(notes.body(id)).isEqualTo("through " + driver);
                assertThat(notes.currentUser()).isEqualTo("app@%");
            }
        }
        assertThat(db.decisions()).isNotEmpty().allSatisfy(d -> {
            assertThat(d.accepted()).as(d.reason()).isTrue();
            assertThat(d.user()).isEqualTo("app");
        });
    }
}
