package dev.iamdb.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.example.notes.AppDataSourceFactory;
import com.example.notes.MyCredentials;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The guide's subclass hands iamdb a credentials provider instance that XML cannot name. */
class AppDataSourceFactoryTest {
    @RegisterExtension
    static final LocalIamDatabaseExtension extension = new LocalIamDatabaseExtension(LocalIamDatabase.builder()
            .identity(Identity.of(MyCredentials.ACCESS_KEY_ID, MyCredentials.SECRET_ACCESS_KEY, Identity.DEFAULT_PRINCIPAL_ARN)));

    @Test
    void connectionsLogInWithTheSubclassesCredentials(LocalIamDatabase db) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("url", db.iamdbJdbcUrl());
        properties.setProperty("username", "admin");
        AppDataSourceFactory factory = new AppDataSourceFactory();
        factory.setProperties(properties);

        try (IamPooledDataSource pool = (IamPooledDataSource) factory.getDataSource(); Connection c = pool.getConnection()) {
            assertThat(c.getMetaData().getUserName()).isEqualTo("admin");
        }
        assertThat(db.decisions()).extracting(AuthDecision::accessKeyId, AuthDecision::accepted)
                .containsOnly(tuple(MyCredentials.ACCESS_KEY_ID, true));
    }
}
