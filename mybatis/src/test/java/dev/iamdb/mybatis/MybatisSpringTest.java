package dev.iamdb.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamConfig;
import dev.iamdb.IamDataSource;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testing.TestkitConfigs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.Test;
import org.mybatis.spring.SqlSessionFactoryBean;
import org.springframework.core.io.ClassPathResource;

/**
 * mybatis-spring's SqlSessionFactoryBean parses mybatis-config.xml and then replaces the environment's data source with
 * the Spring one, so an iamdb pool built for that environment is neither used nor closed: iamdb warns. Nothing is
 * contacted: the Spring data source is never asked for a connection and the discarded pool opens none.
 */
class MybatisSpringTest {
    private static final Identity FAKE = Identity.of("AKIAMYBATISSPRING001", "mybatis-spring-secret-not-real",
            Identity.DEFAULT_PRINCIPAL_ARN);
    private static final String WARNING = "mybatis-spring's SqlSessionFactoryBean is reading an <environment> of "
            + "mybatis-config.xml that builds an iamdb pool for app@your-cluster-id.dsql.us-east-1.on.aws";

    @Test
    void anEnvironmentThatSqlSessionFactoryBeanDiscardsIsWarnedAbout() throws Exception {
        try (IamDataSource spring = new IamDataSource(IamConfig.builder()
                .url("jdbc:postgresql://your-cluster-id.dsql.us-east-1.on.aws:5432/postgres").property("user", "app")
                .credentialsProvider(TestkitConfigs.credentials(FAKE)).build())) {
            SqlSessionFactoryBean bean = new SqlSessionFactoryBean();
            bean.setDataSource(spring);
            bean.setConfigLocation(new ClassPathResource("mybatis-spring-config.xml"));

            SqlSessionFactory[] built = new SqlSessionFactory[1];
            String log = captureStandardError(() -> built[0] = bean.getObject());

            assertThat(built[0].getConfiguration().getEnvironment().getDataSource()).isSameAs(spring);
            assertThat(log).contains(WARNING).contains("Remove <environments> from the file");
        }
    }

    /** Plain MyBatis uses the environment's pool: no warning. */
    @Test
    void plainMybatisIsNotWarnedAbout() throws Exception {
        IamDataSourceFactory factory = new IamDataSourceFactory();
        Properties p = new Properties();
        p.setProperty("url", "jdbc:postgresql://your-cluster-id.dsql.us-east-1.on.aws:5432/postgres");
        p.setProperty("username", "app");
        p.setProperty("pool.minimumIdle", "0");
        p.setProperty("pool.initializationFailTimeout", "-1");
        String log = captureStandardError(() -> {
            factory.setProperties(p);
            return null;
        });
        factory.getDataSource().close();
        assertThat(log).doesNotContain("mybatis-spring's SqlSessionFactoryBean");
    }

    private static String captureStandardError(Callable<?> action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.call();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
