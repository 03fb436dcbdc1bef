package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The keys the driver shares configurations, token providers and credentials by: equal exactly when every part is. */
class CacheKeysTest {
    private static final String URL = "jdbc:postgresql://abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws/postgres";

    private static IamConfig config(UnaryOperator<IamConfig.Builder> change) {
        return change.apply(IamConfig.builder().url(URL).property("user", "admin").property("awsProfile", "ops")).build();
    }

    @Test
    void sameSettingsGiveEqualKeys() {
        IamConfig a = config(b -> b.property("awsRoleArn", "arn:aws:iam::123456789012:role/app"));
        IamConfig b = config(c -> c.property("awsRoleArn", "arn:aws:iam::123456789012:role/app"));
        assertThat(a.tokenKey()).isEqualTo(b.tokenKey()).hasSameHashCodeAs(b.tokenKey());
        assertThat(a.credentialsKey()).isEqualTo(b.credentialsKey()).hasSameHashCodeAs(b.credentialsKey());
    }

    @Test
    void anyDifferenceGivesAnotherKey() {
        IamConfig base = config(b -> b);
        assertThat(config(b -> b.property("user", "app")).tokenKey()).isNotEqualTo(base.tokenKey());
        assertThat(config(b -> b.property("iamHost", "zyxwvutsrqponmlkjihgfedcba.dsql.us-east-1.on.aws")).tokenKey())
                .isNotEqualTo(base.tokenKey());
        assertThat(config(b -> b.property("awsProfile", "deploy")).credentialsKey()).isNotEqualTo(base.credentialsKey());
        IamConfig role = config(b -> b.property("awsRoleArn", "arn:aws:iam::123456789012:role/app"));
        assertThat(role.credentialsKey()).isNotEqualTo(base.credentialsKey());
        assertThat(role.tokenKey()).isNotEqualTo(base.tokenKey());
        assertThat(config(b -> b.property("awsRoleArn", "arn:aws:iam::123456789012:role/other")).credentialsKey())
                .isNotEqualTo(role.credentialsKey());
    }
}
