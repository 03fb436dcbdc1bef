package dev.iamdb.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.IamDriver;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.DefaultChainCredentials;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * The application as it is, started by Spring Boot against the testkit's IAM-verifying PostgreSQL (Aurora DSQL
 * emulation, with the application's role {@code app}): Flyway migrates as admin, JPA, MyBatis and jOOQ run as app.
 * Of {@code application.properties} only {@code spring.datasource.url} is overridden, to reach the
 * local gateway while signing tokens for its DSQL endpoint name; credentials come from the default AWS chain
 * (the {@code aws.*} system properties, holding the fake identity the gateway trusts).
 */
@SpringBootTest
class BootExampleApplicationTest {
    private static final Identity IDENTITY = Identity.of("AKIAIAMDBBOOTEXAMPLE", "fake-secret-for-the-local-testkit-only",
            Identity.DEFAULT_PRINCIPAL_ARN);
    private static DefaultChainCredentials credentials;

    @Autowired
    LocalIamDatabase db;

    @Autowired
    NoteRepository notes;

    @Autowired
    DataSource dataSource;

    /** Started before the application's DataSource, closed after it: beans are closed in reverse order. */
    @TestConfiguration(proxyBeanMethods = false)
    static class LocalCluster {
        @Bean(destroyMethod = "close")
        LocalIamDatabase localIamDatabase() {
            return LocalIamDatabase.builder().identity(IDENTITY).role("app").start();
        }

        @Bean
        DynamicPropertyRegistrar localClusterUrl(LocalIamDatabase db) {
            return registry -> registry.add("spring.datasource.url",
                    () -> db.iamdbJdbcUrl());
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

    @Autowired
    NoteMapper mapper;

    @Autowired
    DSLContext dsl;

    @Test
    void flywayMigratesAsAdminAndJpaMyBatisAndJooqServeAsTheApplicationsRole() throws SQLException {
        assertThat(TestkitConfigs.flywayHistory(db)).containsExactly("1:true", "2:true");
        assertThat(notes.findByAuthorOrderByBody(BootExampleApplication.AUTHOR))
                .extracting(Note::getBody)
                .containsExactly("Hello from Spring Boot, logged in with an IAM auth token");

        notes.saveAll(List.of(new Note("ada", "second"), new Note("ada", "first"), new Note("grace", "other")));

        assertThat(notes.findByAuthorOrderByBody("ada")).extracting(Note::getBody).containsExactly("first", "second");
        assertThat(notes.count()).isEqualTo(4);
        assertThat(mapper.countByAuthor("ada")).isEqualTo(2);
        assertThat(BootExampleApplication.countByAuthor(dsl, "ada")).isEqualTo(2);
        assertThat(dsl.fetchValue("SELECT current_user")).isEqualTo("app");
        assertThat(db.decisions()).allSatisfy(this::acceptedLogin)
                .extracting(AuthDecision::user).contains("admin", "app").containsOnly("admin", "app");
    }

    @Test
    void bootsPoolIsConfiguredFromSpringDatasourceHikari() throws SQLException {
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);

        assertThat(pool.getDriverClassName()).isEqualTo(IamDriver.class.getName());
        assertThat(pool.getUsername()).isEqualTo("app");
        assertThat(pool.getPassword()).isNull();
        // Not in application.properties: the starter's default for an Aurora DSQL endpoint, under its 60-minute limit.
        assertThat(pool.getMaxLifetime()).isEqualTo(3_300_000);
        assertThat(pool.getMaximumPoolSize()).isEqualTo(10);
        try (Connection c = dataSource.getConnection()) {
            assertThat(c.getMetaData().getUserName()).isEqualTo("app");
        }
    }

    private void acceptedLogin(AuthDecision decision) {
        assertThat(decision.accepted()).as(decision.reason()).isTrue();
        assertThat(decision.accessKeyId()).isEqualTo(IDENTITY.accessKeyId());
    }
}
