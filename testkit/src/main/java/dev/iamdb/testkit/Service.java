package dev.iamdb.testkit;

/**
 * The AWS database service whose IAM login the local database emulates. The choice fixes the SigV4
 * service name, the {@code Action} a token must carry and how database roles map to IAM principals.
 */
public enum Service {
    /** Aurora DSQL: service {@code dsql}, actions {@code DbConnectAdmin} / {@code DbConnect}, roles granted to ARNs. */
    DSQL("dsql"),
    /** RDS and Aurora PostgreSQL: service {@code rds-db}, action {@code connect}, users granted {@code rds_iam}. */
    RDS("rds-db");

    private final String signingName;

    Service(String signingName) {
        this.signingName = signingName;
    }

    /** The SigV4 service name in a token's credential scope ({@code dsql} or {@code rds-db}). */
    public String signingName() {
        return signingName;
    }

    /** Parses {@code dsql} or {@code rds} (any case), as used on the command line. */
    static Service parse(String text) {
        for (Service s : values()) {
            if (s.name().equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("service: '" + text + "' is not supported; use dsql or rds");
    }
}
