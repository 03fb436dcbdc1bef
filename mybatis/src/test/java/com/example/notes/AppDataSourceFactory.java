package com.example.notes;

import dev.iamdb.IamConfig;
import dev.iamdb.mybatis.IamDataSourceFactory;

/** docs/mybatis.md, "Credentials or a clock from code", verbatim. */
public class AppDataSourceFactory extends IamDataSourceFactory {
    @Override
    protected void configure(IamConfig.Builder config) {
        config.credentialsProvider(MyCredentials.provider());
    }
}
