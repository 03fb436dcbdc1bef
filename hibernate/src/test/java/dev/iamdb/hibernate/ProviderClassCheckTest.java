package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.hikaricp.internal.HikariCPConnectionProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * With hibernate-hikaricp on the class path (this test runs only in the with-hibernate-hikaricp surefire run), no
 * provider named and the guide's hibernate.hikari.* settings, Hibernate picks HikariCP's provider, which logs in without IAM; iamdb warns, naming the fix, before
 * any connection is opened. Building the service registry contacts nothing; slf4j-simple writes to System.err.
 */
@Tag("hibernate-hikaricp")
class ProviderClassCheckTest {
    private static final String FIX = "Set hibernate.connection.provider_class=iamdb.";

    @Test
    void withoutProviderClassHibernatePicksHikariAndIamdbWarns() {
        StandardServiceRegistryBuilder builder = guideSettingsWithout("hibernate.connection.provider_class");
        String log = captureStandardError(() -> StandardServiceRegistryBuilder.destroy(builder.build()));
        assertThat(log).contains("No hibernate.connection.provider_class is set and other connection providers are on "
                + "the class path (" + HikariCPConnectionProvider.class.getName() + ")").contains(FIX);
    }

    @Test
    void theFixSelectsIamdbAndSilencesTheWarning() {
        StandardServiceRegistryBuilder builder = guideSettingsWithout("hibernate.connection.provider_class")
                .applySetting("hibernate.connection.provider_class", "iamdb");
        String log = captureStandardError(() -> StandardServiceRegistryBuilder.destroy(builder.build()));
        assertThat(log).doesNotContain(FIX);
    }

    /** HikariCP over the jdbc:iamdb: driver logs in with IAM: nothing to warn about. */
    @Test
    void aJdbcIamdbUrlIsNotWarnedAbout() {
        StandardServiceRegistryBuilder builder = guideSettingsWithout("hibernate.connection.provider_class")
                .applySetting("hibernate.connection.url", "jdbc:iamdb:postgresql://your-cluster-id.dsql.us-east-1.on.aws/postgres");
        String log = captureStandardError(() -> StandardServiceRegistryBuilder.destroy(builder.build()));
        assertThat(log).doesNotContain(FIX);
    }

    private static StandardServiceRegistryBuilder guideSettingsWithout(String key) {
        StandardServiceRegistryBuilder builder = new StandardServiceRegistryBuilder()
                .loadProperties(HibernatePropertiesTest.GUIDE_PROPERTIES);
        builder.getSettings().remove(key);
        return builder;
    }

    private static String captureStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
