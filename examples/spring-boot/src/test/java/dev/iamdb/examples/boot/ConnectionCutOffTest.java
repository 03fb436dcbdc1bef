package dev.iamdb.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.DefaultChainCredentials;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * The application while Aurora DSQL ends its connections (as it does to every connection after 60 minutes; ended on
 * demand here, twice): every request succeeds, on connections that log in again with a current token.
 */
@SpringBootTest
class ConnectionCutOffTest {
    private static final Identity IDENTITY = Identity.of("AKIAIAMDBBOOTCUTOFF1", "fake-cutoff-secret-for-the-local-testkit",
            Identity.DEFAULT_PRINCIPAL_ARN);
    /** HikariCP reads this when its pool starts; a negative window makes it check every connection it hands out. */
    private static final String ALIVE_BYPASS_WINDOW = "com.zaxxer.hikari.aliveBypassWindowMs";
    private static DefaultChainCredentials credentials;

    @Autowired
    LocalIamDatabase db;

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

    /**
     * HikariCP hands out a connection used in the last 500 ms unchecked; requests here come faster than that after a
     * cut-off, so the pool must check every connection (a real cut-off meets connections idle for longer).
     */
    @BeforeAll
    static void poolChecksEveryConnectionAndCredentialsInTheDefaultChain() {
        System.setProperty(ALIVE_BYPASS_WINDOW, "-1");
        credentials = DefaultChainCredentials.use(IDENTITY);
    }

    @AfterAll
    static void restore() {
        System.clearProperty(ALIVE_BYPASS_WINDOW);
        credentials.close();
    }

    @Test
    void everyRequestSucceedsWhileTheServerEndsThePoolsConnections() {
        int ended = 0;
        for (int request = 1; request <= 30; request++) {
            if (request % 10 == 0) {
                ended += db.endSessions();
            }
            notes.save(new Note("cut-off", "request " + request));
            assertThat(notes.findByAuthorOrderByBody("cut-off")).hasSize(request);
        }

        assertThat(ended).as("sessions the server ended under the pool").isPositive();
        assertThat(db.decisions()).extracting(AuthDecision::accepted).hasSizeGreaterThan(1).containsOnly(true);
    }
}
