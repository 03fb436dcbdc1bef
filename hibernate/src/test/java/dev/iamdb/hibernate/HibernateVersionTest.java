package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import org.hibernate.Version;
import org.junit.jupiter.api.Test;

/** Each surefire execution really runs the suite on the Hibernate version it names (7.x, then 6.6). */
class HibernateVersionTest {

    @Test
    void runsOnTheHibernateVersionOfThisExecution() {
        assertThat(Version.getVersionString()).isEqualTo(System.getProperty("iamdb.expectedHibernateVersion"));
    }
}
