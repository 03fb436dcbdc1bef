package dev.iamdb.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.IamConfigException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Properties that would be ignored or bypass IAM fail when MyBatis configures the factory, before any connection. */
class IamDataSourceFactoryTest {

    private static Properties production(String... more) {
        Properties p = new Properties();
        p.setProperty("url", "jdbc:postgresql://your-cluster-id.dsql.us-east-1.on.aws:5432/postgres");
        p.setProperty("username", "app");
        for (int i = 0; i < more.length; i += 2) {
            p.setProperty(more[i], more[i + 1]);
        }
        return p;
    }

    private static void configure(Properties p) {
        new IamDataSourceFactory().setProperties(p);
    }

    @Test
    void mybatisPoolSettingsNameTheirHikariCpReplacement() {
        assertThatThrownBy(() -> configure(production("poolMaximumActiveConnections", "20")))
                .isInstanceOf(IamConfigException.class)
                .hasMessageContaining("'poolMaximumActiveConnections' ('20')")
                .hasMessageContaining("use pool.maximumPoolSize");
        assertThatThrownBy(() -> configure(production("poolTimeToWait", "5000")))
                .hasMessageContaining("use pool.connectionTimeout");
    }

    @Test
    void aDriverClassIsRefusedBecauseTheUrlChoosesTheDriver() {
        assertThatThrownBy(() -> configure(production("driver", "org.postgresql.Driver")))
                .isInstanceOf(IamConfigException.class)
                .hasMessageContaining("'driver' ('org.postgresql.Driver')")
                .hasMessageContaining("remove it");
    }

    @Test
    void aPasswordIsRefusedByCore() {
        assertThatThrownBy(() -> configure(production("password", "s3cret")))
                .isInstanceOfSatisfying(IamConfigException.class, e -> assertThat(e.property()).isEqualTo("password"))
                .hasMessageContaining("logs in with IAM tokens")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> configure(production("driver.password", "s3cret")))
                .isInstanceOf(IamConfigException.class);
    }

    @Test
    void poolSettingsThatBypassIamAreRefusedByCore() {
        assertThatThrownBy(() -> configure(production("pool.jdbcUrl", "jdbc:postgresql://elsewhere/postgres")))
                .isInstanceOfSatisfying(IamConfigException.class, e -> assertThat(e.property()).isEqualTo("pool.jdbcUrl"))
                .hasMessageContaining("pool.jdbcUrl")
                .hasMessageContaining("without IAM");
    }

    @Test
    void aMisspeltIamdbPropertyGetsCoresSuggestion() {
        assertThatThrownBy(() -> configure(production("iamregion", "us-east-1")))
                .isInstanceOf(IamConfigException.class)
                .hasMessageContaining("Did you mean iamRegion?");
    }

    @Test
    void anUnknownPropertySaysWhatIsAccepted() {
        assertThatThrownBy(() -> configure(production("maxPoolSize", "5")))
                .isInstanceOf(IamConfigException.class)
                .hasMessageContaining("Unknown property 'maxPoolSize'")
                .hasMessageContaining("pool.<HikariCP setting>")
                .hasMessageContaining("driver.<JDBC driver property>")
                .hasMessageContaining("iamHost");
    }

    @Test
    void usernameAndUserMustAgree() {
        assertThatThrownBy(() -> configure(production("user", "admin")))
                .isInstanceOf(IamConfigException.class)
                .hasMessageContaining("username ('app') and user ('admin')");
    }
}
