package dev.iamdb.testkit.guide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import dev.iamdb.testkit.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

// docs/testing.md, "JUnit 5", verbatim: two test classes that surefire runs like any other.

@ExtendWith(LocalIamDatabaseExtension.class)           // DSQL, TLS, generated identity
class RepositoryTest {
    @Test void saves(LocalIamDatabase db) {
        assertThat(db.service()).isEqualTo(Service.DSQL);
    }
}

class RdsTest {
    @RegisterExtension
    static LocalIamDatabaseExtension db = new LocalIamDatabaseExtension(
            LocalIamDatabase.builder().service(Service.RDS).role("app"));

    @Test void connects(LocalIamDatabase db) {
        assertThat(db.roles()).contains("app");
    }
}
