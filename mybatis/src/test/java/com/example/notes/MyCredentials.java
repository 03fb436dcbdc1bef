package com.example.notes;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Stands for however an application builds its credentials; here, fixed fake keys the testkit trusts. */
public final class MyCredentials {
    public static final String ACCESS_KEY_ID = "AKIAMYCREDENTIALS001";
    public static final String SECRET_ACCESS_KEY = "my-credentials-secret-not-real";

    private MyCredentials() {
    }

    public static AwsCredentialsProvider provider() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
    }
}
