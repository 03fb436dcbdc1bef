package dev.iamdb;

import java.util.Locale;

/**
 * The AWS database service a token is signed for. The two differ in SigV4 service name, query
 * action, whether the port is part of the signed host, and how long a token may live.
 */
public enum IamService {
    /** Amazon Aurora DSQL: service {@code dsql}, action {@code DbConnect} or {@code DbConnectAdmin}. */
    DSQL("dsql", "dsql"),
    /** Amazon RDS and Aurora (PostgreSQL, MySQL): service {@code rds-db}, action {@code connect}. */
    RDS("rds", "rds-db");

    private final String propertyValue;
    private final String signingName;

    IamService(String propertyValue, String signingName) {
        this.propertyValue = propertyValue;
        this.signingName = signingName;
    }

    /** The value of {@code iamService} that selects this service. */
    public String propertyValue() {
        return propertyValue;
    }

    /** The SigV4 service name in the token's credential scope. */
    public String signingName() {
        return signingName;
    }

    static IamService fromPropertyValue(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (IamService s : values()) {
            if (s.propertyValue.equals(v)) {
                return s;
            }
        }
        return null;
    }

    static IamService fromSigningName(String name) {
        for (IamService s : values()) {
            if (s.signingName.equals(name)) {
                return s;
            }
        }
        return null;
    }
}
