package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.tls.AwsTrustStore;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class IamConfigTest {
    private static final String DSQL = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
    private static final String RDS = "mydb.cluster-c0abcdefghij.eu-west-1.rds.amazonaws.com";

    /** A builder that never consults AWS_REGION or ~/.aws: results must not depend on the machine. */
    private static IamConfig.Builder builder() {
        return IamConfig.builder().regionFallback(profile -> null);
    }

    @Test
    void dsqlDefaultsFromTheUrl() {
        IamConfig c = builder().url("jdbc:postgresql://" + DSQL + ":5432/postgres?user=admin&ApplicationName=app").build();
        assertThat(c.service()).isEqualTo(IamService.DSQL);
        assertThat(c.region()).isEqualTo("us-east-1");
        assertThat(c.signedHost()).isEqualTo(DSQL);
        assertThat(c.user()).isEqualTo("admin");
        assertThat(c.admin()).isTrue();
        assertThat(c.action()).isEqualTo("DbConnectAdmin");
        assertThat(c.tokenLifetime()).isEqualTo(Duration.ofSeconds(900));
        assertThat(c.expiration()).isEqualTo(Duration.ofSeconds(870));
        assertThat(c.url()).isEqualTo("jdbc:postgresql://" + DSQL + ":5432/postgres?ApplicationName=app");
        assertThat(c.driverProperties()).containsEntry("user", "admin");
    }

    @Test
    void customDsqlRoleSignsDbConnectAndLifetimeDrivesDefaultExpiration() {
        IamConfig c = builder().url("jdbc:iamdb:postgresql://" + DSQL + "/postgres?iamTokenLifetime=3600")
                .property("user", "app").build();
        assertThat(c.admin()).isFalse();
        assertThat(c.action()).isEqualTo("DbConnect");
        assertThat(c.expiration()).isEqualTo(Duration.ofSeconds(3570));
        assertThat(c.url()).isEqualTo("jdbc:postgresql://" + DSQL + "/postgres");
    }

    @Test
    void iamAdminOverridesTheUserRule() {
        assertThat(builder().host(DSQL).property("user", "admin").property("iamAdmin", "false").build().action())
                .isEqualTo("DbConnect");
        assertThat(builder().host(DSQL).property("user", "admin").property("iamAdmin", "TRUE").build().action())
                .isEqualTo("DbConnectAdmin");
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "ops").property("iamAdmin", "TRUE").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("only for the admin role")
                .hasMessageContaining("'ops'");
    }

    @Test
    void rdsSignsTheConnectionPortOrIamDefaultPort() {
        IamConfig c = builder().url("jdbc:postgresql://" + RDS + ":6432/app").property("user", "app_user").build();
        assertThat(c.service()).isEqualTo(IamService.RDS);
        assertThat(c.region()).isEqualTo("eu-west-1");
        assertThat(c.signedPort()).isEqualTo(6432);
        assertThat(c.expiration()).isEqualTo(Duration.ofSeconds(870));
        assertThat(c.action()).isEqualTo("connect");
        assertThat(builder().url("jdbc:postgresql://" + RDS + "/app").property("user", "u").build().signedPort()).isEqualTo(5432);
        assertThat(builder().url("jdbc:postgresql://localhost:15432/app?iamHost=" + RDS + "&iamDefaultPort=5432")
                .property("user", "u").build().signedPort()).isEqualTo(5432);
    }

    @Test
    void tunnelNeedsIamHost() {
        assertThatThrownBy(() -> builder().url("jdbc:postgresql://127.0.0.1:5432/postgres").property("user", "admin").build())
                .isInstanceOf(IamConfigException.class)
                .hasMessageContaining("'127.0.0.1'")
                .hasMessageContaining("set iamHost")
                .extracting(e -> ((IamConfigException) e).property()).isEqualTo("iamHost");
        IamConfig c = builder().url("jdbc:postgresql://127.0.0.1:5432/postgres").property("user", "admin")
                .property("iamHost", DSQL.toUpperCase() + ".").build();
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.signedHost()).isEqualTo(DSQL);
    }

    @Test
    void unrecognisedIamHostNeedsServiceAndRegion() {
        assertThatThrownBy(() -> builder().host("localhost").property("user", "u").property("iamHost", "db.example.com").build())
                .hasMessageContaining("set iamService");
        assertThatThrownBy(() -> builder().host("db.example.com").property("user", "u").property("iamService", "rds").build())
                .hasMessageContaining("iamRegion").hasMessageContaining("No AWS region");
        IamConfig c = builder().host("db.example.com").property("user", "u").property("iamService", "RDS")
                .property("iamRegion", "ap-southeast-7").build();
        assertThat(c.region()).isEqualTo("ap-southeast-7");
    }

    @Test
    void regionFallsBackToEnvironmentOrProfile() {
        IamConfig c = IamConfig.builder().regionFallback(profile -> "ca-central-1")
                .host("mydb.global-abcdefghij.global.rds.amazonaws.com").property("user", "u").build();
        assertThat(c.region()).isEqualTo("ca-central-1");
    }

    @Test
    void profileNameReachesTheRegionLookup() {
        String[] seen = new String[1];
        IamConfig.builder().regionFallback(profile -> {
            seen[0] = profile;
            return "us-east-2";
        }).host("db.example.com").property("iamService", "dsql").property("user", "u").property("awsProfile", "prod").build();
        assertThat(seen[0]).isEqualTo("prod");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "iamTokenLifetime|0|a whole number from 60 to 604800",
        "iamTokenLifetime|604801|a whole number from 60 to 604800",
        "iamTokenLifetime|15m|a whole number from 60 to 604800",
        "iamExpiration|-1|a whole number from 0 to 604800",
        "iamExpiration|901|at most the token lifetime (900 s)",
        "iamAdmin|yes|true or false",
        "iamService|aurora|dsql or rds",
        "iamRegion|useast1|a region such as us-east-1",
    })
    void badValuesNameThePropertyTheValueAndWhatIsAccepted(String property, String value, String accepted) {
        assertThatThrownBy(() -> builder().host("db.example.com").property("iamService", "dsql").property("iamRegion", "us-east-1")
                .property("user", "u").property(property, value).build())
                .isInstanceOf(IamConfigException.class)
                .hasMessageContaining(property)
                .hasMessageContaining("'" + value + "'")
                .hasMessageContaining(accepted)
                .extracting(e -> ((IamConfigException) e).property()).isEqualTo(property);
    }

    @Test
    void unknownIamdbKeysFailWithASuggestion() {
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("iamregion", "us-east-1").build())
                .hasMessageContaining("Unknown iamdb property 'iamregion'").hasMessageContaining("Did you mean iamRegion?");
        assertThatThrownBy(() -> builder().url("jdbc:postgresql://" + DSQL + "/postgres?awsProfil=x").property("user", "u").build())
                .hasMessageContaining("'awsProfil'").hasMessageContaining("Did you mean awsProfile?");
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("iamRegoin", "us-east-1").build())
                .hasMessageContaining("Did you mean iamRegion?");
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("iamSomethingElse", "1").build())
                .hasMessageNotContaining("Did you mean");
    }

    @Test
    void settingsThatDoNotApplyToTheServiceAreRejected() {
        assertThatThrownBy(() -> builder().host(RDS).property("user", "u").property("iamTokenLifetime", "600").build())
                .hasMessageContaining("iamTokenLifetime").hasMessageContaining("RDS tokens always last 900 seconds");
        assertThatThrownBy(() -> builder().host(RDS).property("user", "u").property("iamAdmin", "true").build())
                .hasMessageContaining("iamAdmin");
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("iamDefaultPort", "5432").build())
                .hasMessageContaining("iamDefaultPort").hasMessageContaining("carry no port");
    }

    @Test
    void contradictionsWithTheHostAreRejected() {
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("iamService", "rds").build())
                .hasMessageContaining("Aurora DSQL endpoint");
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("iamRegion", "eu-west-1").build())
                .hasMessageContaining("us-east-1");
        assertThatThrownBy(() -> builder().url("jdbc:postgresql://" + DSQL + "/postgres?iamExpiration=100")
                .property("iamExpiration", "200").property("user", "u").build())
                .hasMessageContaining("set twice");
    }

    @Test
    void aUrlAmongThePropertiesIsRefusedRatherThanPassedToTheDriver() {
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("url", "jdbc:postgresql://x/y").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("give it as the URL");
    }

    @Test
    void userIsRequiredAndPasswordsAreRefused() {
        assertThatThrownBy(() -> builder().host(DSQL).build())
                .hasMessageContaining("user is required");
        assertThatThrownBy(() -> builder().url("jdbc:postgresql://" + DSQL + "/postgres?user=admin&password=hunter2").build())
                .hasMessageContaining("remove the password").hasMessageNotContaining("hunter2");
    }

    /** What tools send when no password is configured: JDBC tools and JPA an empty one, Liquibase the text "null". */
    @Test
    void theNoPasswordOfToolsIsIgnored() {
        assertThat(builder().host(DSQL).property("user", "u").property("password", "").build().user()).isEqualTo("u");
        assertThat(builder().url("jdbc:postgresql://" + DSQL + "/postgres?user=u&password=null").build().user()).isEqualTo("u");
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("password", " ").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("remove the password");
    }

    @Test
    void badUrlsAreExplainedWithoutTheirQuery() {
        assertThatThrownBy(() -> builder().url("jdbc:postgresql:postgres?password=hunter2").build())
                .hasMessageContaining("jdbc:postgresql://host:5432/postgres").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> builder().url("jdbc:postgresql://a:5432,b:5432/postgres").property("user", "u").build())
                .hasMessageContaining("exactly one host");
        assertThatThrownBy(() -> builder().url("jdbc:postgresql://" + DSQL + ":99999/postgres").property("user", "u").build())
                .hasMessageContaining("port from 1 to 65535");
    }

    @Test
    void ipv6HostsParse() {
        IamConfig c = builder().url("jdbc:postgresql://[::1]:6543/postgres").property("user", "admin").property("iamHost", DSQL).build();
        assertThat(c.host()).isEqualTo("::1");
    }

    @Test
    void credentialsSources() {
        Properties p = new Properties();
        p.setProperty("user", "u");
        p.setProperty("awsCredentialsProvider", AnonymousCredentialsProvider.class.getName());
        assertThat(builder().host(DSQL).properties(p).build().toString())
                .contains("awsCredentialsProvider " + AnonymousCredentialsProvider.class.getName());
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("awsCredentialsProvider", "com.example.Missing").build())
                .hasMessageContaining("'com.example.Missing'").hasMessageContaining("no such class");
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("awsCredentialsProvider", String.class.getName()).build())
                .hasMessageContaining("does not implement");
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("awsProfile", "dev")
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET"))).build())
                .hasMessageContaining("more than once");
    }

    @Test
    void toStringShowsWhereAndWhoButNoSecrets() {
        IamConfig c = builder().host(DSQL).properties(Map.of("user", "admin"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI"))).build();
        assertThat(c.toString()).contains(DSQL, "admin", "us-east-1", "dsql").doesNotContain("wJalrXUtnFEMI", "AKIDEXAMPLE");
    }

    @Test
    void errorsNameTheSettingAsTheUserWroteIt() {
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u")
                .property("iamTokenLifetime", "15m", "hibernate.connection.iamTokenLifetime").build())
                .hasMessageContaining("property hibernate.connection.iamTokenLifetime")
                .extracting(e -> ((IamConfigException) e).property()).isEqualTo("hibernate.connection.iamTokenLifetime");
        assertThatThrownBy(() -> builder().url("jdbc:postgresql:nohost", "pool.jdbcUrl").property("user", "u").build())
                .hasMessageContaining("(pool.jdbcUrl)")
                .extracting(e -> ((IamConfigException) e).property()).isEqualTo("pool.jdbcUrl");
        assertThatThrownBy(() -> builder().host(RDS).property("user", "u").property("iamAdmin", true, "--admin").build())
                .hasMessageContaining("Property --admin")
                .extracting(e -> ((IamConfigException) e).property()).isEqualTo("--admin");
    }

    @Test
    void frameworksMayPassValuesOfTheirNaturalType() {
        IamConfig c = builder().host(DSQL).property("user", "admin").property("iamTokenLifetime", 3600)
                .property("iamExpiration", 600L).property("iamAdmin", Boolean.TRUE)
                .property("awsCredentialsProvider", AnonymousCredentialsProvider.class).build();
        assertThat(c.tokenLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(c.expiration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.admin()).isTrue();
        assertThat(c.providerClass()).isEqualTo(AnonymousCredentialsProvider.class);

        StaticCredentialsProvider instance = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET"));
        assertThat(builder().host(DSQL).property("user", "u").property("awsCredentialsProvider", instance).build()
                .providerInstance()).isSameAs(instance);
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("iamTokenLifetime", 1.5).build())
                .hasMessageContaining("'1.5'").hasMessageContaining("whole number");
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("socketFactoryArg", new Object()).build())
                .hasMessageContaining("socketFactoryArg").hasMessageContaining("java.lang.Object");
        assertThat(builder().host(DSQL).property("user", "u").property("connectTimeout", 5).build().driverProperties())
                .containsEntry("connectTimeout", "5");
    }

    @Test
    void numbersAreAsciiDigitsOnly() {
        assertThatThrownBy(() -> builder().host(DSQL).property("user", "u").property("iamTokenLifetime", "\u0669\u0660\u0660").build())
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> builder().url("jdbc:postgresql://" + DSQL + ":\u0665\u0664\u0663\u0662/postgres").property("user", "u").build())
                .hasMessageContaining("port from 1 to 65535");
    }

    @Test
    void aShortLifetimeKeepsMostOfItsReuse() {
        assertThat(builder().host(DSQL).property("user", "u").property("iamTokenLifetime", "60").build().expiration())
                .isEqualTo(Duration.ofSeconds(54));
    }

    @Test
    void aUrlValueAndAPropertyOfTheSameMeaningAgree() {
        assertThat(builder().url("jdbc:postgresql://" + DSQL + "/postgres?iamTokenLifetime=900")
                .property("iamTokenLifetime", 900).property("user", "u").build().tokenLifetime()).isEqualTo(Duration.ofSeconds(900));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws:5432",
        "https://abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws",
        "abc dsql",
        "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws/postgres",
    })
    void iamHostIsAHostNameOnly(String host) {
        assertThatThrownBy(() -> builder().host("127.0.0.1").property("user", "u").property("iamHost", host).build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("'" + host + "'")
                .hasMessageContaining("without scheme, port or path");
    }

    @Test
    void urlsThatCannotBeReadAreConfigurationErrors() {
        assertThatThrownBy(() -> builder().url("jdbc:postgresql://" + DSQL + "/postgres?ApplicationName=%zz").property("user", "u").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("percent-escapes");
        assertThatThrownBy(() -> builder().url("jdbc:postgresql://" + DSQL + "/postgres?user=a&user=b").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("user appears more than once");
        assertThatThrownBy(() -> builder().url("jdbc:postgresql://admin:Hunter2Secret@" + DSQL + "/postgres").build())
                .isInstanceOf(IamConfigException.class).hasMessageNotContaining("Hunter2Secret").hasMessageNotContaining("hunter2secret");
        assertThatThrownBy(() -> builder().url("jdbc:sqlserver://" + RDS + ":1433/app").property("user", "u").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("jdbc:postgresql:, jdbc:mysql:, jdbc:mariadb:");
    }

    @Test
    void aMysqlUrlIsRefusedForAnAuroraDsqlHost() {
        assertThatThrownBy(() -> builder().url("jdbc:mysql://" + DSQL + "/app").property("user", "app").build())
                .isInstanceOf(IamConfigException.class)
                .hasMessage("The URL is jdbc:mysql: but host '" + DSQL + "' is an Aurora DSQL endpoint, which speaks PostgreSQL "
                        + "only: connect with a jdbc:postgresql: URL (and org.postgresql:postgresql), or to an RDS or Aurora "
                        + "MySQL endpoint.")
                .extracting(e -> ((IamConfigException) e).property()).isEqualTo("url");
        assertThatThrownBy(() -> builder().url("jdbc:mariadb://127.0.0.1/app").property("user", "app").property("iamHost", "x.example")
                .property("iamService", "dsql").property("iamRegion", "us-east-1").build())
                .hasMessageContaining("iamService is 'dsql', which speaks PostgreSQL only");
    }

    @Test
    void plainTextIsRefusedForMysqlAndMariadb() {
        for (String[] c : new String[][] {{"mysql", "sslMode", "DISABLED"}, {"mysql", "sslmode", "preferred"},
                {"mysql", "useSSL", "false"}, {"mariadb", "sslMode", "disable"}, {"mariadb", "useSsl", "false"}}) {
            assertThatThrownBy(() -> builder().url("jdbc:" + c[0] + "://" + RDS + "/app?" + c[1] + "=" + c[2]).property("user", "app").build())
                    .as(String.join(" ", c))
                    .hasMessage("Driver setting " + c[1] + " is refused: with " + c[1] + "=" + c[2] + " the IAM token is sent "
                            + "with mysql_clear_password, as it is, and is a bearer credential for 15 minutes: it must travel "
                            + "over TLS only. Remove the setting (iamdb then verifies the server's certificate), or choose a "
                            + "mode that encrypts.");
        }
        assertThatThrownBy(() -> builder().url("jdbc:mariadb://" + RDS + "/app").property("user", "app")
                .property("credentialType", "AWS-IAM").build())
                .hasMessageContaining("Driver setting credentialType is refused: it would make MariaDB Connector/J log in with "
                        + "another password than iamdb's token");
        // Encrypted without a certificate check is the user's explicit choice, as sslmode=require is for PostgreSQL.
        assertThat(builder().url("jdbc:mysql://" + RDS + "/app?sslMode=REQUIRED").property("user", "app").build()).isNotNull();
    }

    @Test
    void mysqlTlsDefaultsGiveWayToTheUsersOwn() {
        Properties cj = defaults("jdbc:mysql://" + RDS + "/app");
        assertThat(cj).containsEntry("sslMode", "VERIFY_IDENTITY").containsEntry("trustCertificateKeyStoreType", "PKCS12")
                .containsEntry("trustCertificateKeyStoreUrl", AwsTrustStore.path().toUri().toString());
        Properties mariadb = defaults("jdbc:mariadb://" + RDS + "/app");
        assertThat(mariadb).containsEntry("sslMode", "verify-full").containsEntry("trustStoreType", "PKCS12")
                .containsEntry("trustStore", AwsTrustStore.path().toUri().toString());
        assertThat(defaults("jdbc:mysql://" + RDS + "/app?sslmode=VERIFY_CA&TrustCertificateKeyStoreUrl=file:/mine.p12"))
                .doesNotContainKeys("sslMode", "trustCertificateKeyStoreUrl");
        assertThat(defaults("jdbc:mariadb://" + RDS + "/app?serverSslCert=/mine.pem")).containsEntry("sslMode", "verify-full")
                .doesNotContainKey("trustStore");
        assertThat(defaults("jdbc:mysql://" + RDS + "/app?sslMode=REQUIRED")).doesNotContainKeys("sslMode", "trustCertificateKeyStoreUrl");
    }

    private static Properties defaults(String url) {
        IamConfig config = builder().url(url).property("user", "app").build();
        Properties p = new Properties();
        config.driver().applyDefaults(config, p);
        return p;
    }

    @Test
    void anIamDefaultPortOtherThanTheUrlsIsRefusedWithoutATunnel() {
        assertThatThrownBy(() -> builder().url("jdbc:mysql://" + RDS + ":3307/app").property("user", "app")
                .property("iamDefaultPort", "3306").build())
                .hasMessage("Property iamDefaultPort is 3306 but the URL connects to " + RDS + " on port 3307 directly: RDS "
                        + "checks the token against the port it listens on. Remove iamDefaultPort, or set iamHost to the "
                        + "endpoint when connecting through a tunnel or another name.");
        assertThat(builder().url("jdbc:mysql://127.0.0.1:13306/app").property("user", "app").property("iamHost", RDS)
                .property("iamDefaultPort", "3306").build().signedPort()).isEqualTo(3306);
        assertThat(builder().url("jdbc:mariadb://" + RDS + "/app").property("user", "app").build().signedPort()).isEqualTo(3306);
    }
}
