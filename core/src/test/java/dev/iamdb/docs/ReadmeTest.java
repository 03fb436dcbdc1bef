package dev.iamdb.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.iamdb.IamConfig;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.IamService;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The two snippets of README.md's "Using it", verbatim. */
@ExtendWith(LocalIamDatabaseExtension.class)
class ReadmeTest {

    @Test
    void theConfigurationReadsServiceAndRegionFromTheHostName() {
        IamConfig config = IamConfig.builder()
                .url("jdbc:postgresql://abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws:5432/postgres")
                .property("user", "admin")
                .build();                                  // region and service come from the host name

        assertThat(config.service()).isEqualTo(IamService.DSQL);
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.admin()).isTrue();
    }

    @Test
    void thePoolLogsInWithAToken(LocalIamDatabase db) throws SQLException {
        // The README's configuration pointed at the testkit: its address and CA, its endpoint name, its credentials.
        IamConfig config = IamConfig.builder()
                .url(db.iamdbJdbcUrl())
                .property("user", "admin")
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(db.identity().accessKeyId(), db.identity().secretAccessKey())))
                .build();

        try (IamPooledDataSource dataSource = new IamPooledDataSource(config)) {
            try (Connection c = dataSource.getConnection()) {
                // …
            }
        }

        assertThat(db.decisions()).extracting(AuthDecision::user, AuthDecision::accepted).contains(tuple("admin", true));
    }
}
