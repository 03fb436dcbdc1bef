package dev.iamdb.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.DefaultChainCredentials;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * iamdb's meters and health, as Boot's actuator exposes them: the starter binds iamdb-micrometer's meters to the
 * application's registry and adds an {@code iamdb} health contributor, which resolves the credentials without a
 * connection.
 */
@SpringBootTest
class ActuatorTest {
    private static final Identity IDENTITY = Identity.of("AKIAIAMDBBOOTMETERS1", "fake-meters-secret-for-the-local-testkit",
            Identity.DEFAULT_PRINCIPAL_ARN);
    private static DefaultChainCredentials credentials;

    @Autowired
    MeterRegistry registry;

    @Autowired
    HealthEndpoint health;

    @Autowired
    NoteRepository notes;

    @TestConfiguration(proxyBeanMethods = false)
    static class LocalCluster {
        @Bean(destroyMethod = "close")
        LocalIamDatabase localIamDatabase() {
            return LocalIamDatabase.builder().identity(IDENTITY).role("app").start();
        }

        @Bean
        DynamicPropertyRegistrar localClusterUrl(LocalIamDatabase db) {
            return registry -> registry.add("spring.datasource.url", () -> db.iamdbJdbcUrl());
        }
    }

    @BeforeAll
    static void credentialsInTheDefaultChain() {
        credentials = DefaultChainCredentials.use(IDENTITY);
    }

    @AfterAll
    static void restoreCredentials() {
        credentials.close();
    }

    @Test
    void tokenMetersAreTaggedWithServiceEndpointAndUser() {
        assertThat(notes.count()).isPositive();

        assertThat(registry.get("iamdb.tokens.signed").tag("service", "dsql").tag("user", "app").functionCounter().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(registry.get("iamdb.tokens.reused").tag("user", "app").functionCounter()).isNotNull();
        assertThat(registry.get("iamdb.logins.rejected").tag("user", "app").functionCounter().count()).isZero();
    }

    @Test
    void healthReportsTheCredentialsResolvableWithoutAConnection() {
        assertThat(notes.count()).isPositive();

        IndicatedHealthDescriptor iamdb = (IndicatedHealthDescriptor) health.healthForPath("iamdb");
        assertThat(iamdb.getStatus().getCode()).isEqualTo("UP");
        assertThat(iamdb.getDetails().get("configurations")).asString().contains("app@").contains("long-term credentials")
                .doesNotContain(IDENTITY.secretAccessKey());
    }
}
