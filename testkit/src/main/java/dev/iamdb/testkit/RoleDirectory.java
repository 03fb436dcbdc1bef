package dev.iamdb.testkit;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which database roles an IAM identity may log in as. DSQL keeps role-to-principal grants outside
 * PostgreSQL ({@code AWS IAM GRANT}), emulated here in memory; RDS uses membership in the
 * {@code rds_iam} role, which lives in the backend and is checked there.
 */
final class RoleDirectory {

    static final String RDS_IAM = "rds_iam";

    private final Service service;
    private final Backend backend;
    private final Map<String, Set<String>> grants = new ConcurrentHashMap<>();

    RoleDirectory(Service service, Backend backend) {
        this.service = service;
        this.backend = backend;
    }

    /** Creates the roles every instance starts with: DSQL's {@code admin}, or RDS's {@code rds_iam} and master user. */
    void setUp(String masterUser, String principalArn) throws SQLException {
        if (service == Service.DSQL) {
            createRole("admin", "LOGIN CREATEROLE CREATEDB");
            execute("ALTER SCHEMA public OWNER TO admin", "GRANT ALL ON SCHEMA public TO admin");
            grant("admin", principalArn);
        } else {
            createRole(RDS_IAM, "NOLOGIN");
            createRole(masterUser, "LOGIN CREATEROLE CREATEDB");
            String master = Backend.quoteIdentifier(masterUser);
            execute("GRANT " + RDS_IAM + " TO " + master, "ALTER SCHEMA public OWNER TO " + master,
                    "GRANT ALL ON SCHEMA public TO " + master);
        }
    }

    /** Creates a login role with USAGE and CREATE on schema public and lets {@code principalArn} use it. */
    void createLoginRole(String role, String principalArn) throws SQLException {
        createRole(role, "LOGIN");
        String quoted = Backend.quoteIdentifier(role);
        execute("GRANT USAGE, CREATE ON SCHEMA public TO " + quoted);
        if (service == Service.DSQL) {
            grant(role, principalArn);
        } else {
            execute("GRANT " + RDS_IAM + " TO " + quoted);
        }
    }

    /** DSQL: maps the role to the principal; RDS: enables the user for IAM ({@code GRANT rds_iam}). */
    void grant(String role, String principalArn) throws SQLException {
        if (service == Service.DSQL) {
            grants.computeIfAbsent(role, r -> ConcurrentHashMap.newKeySet()).add(principalArn);
        } else {
            execute("GRANT " + RDS_IAM + " TO " + Backend.quoteIdentifier(role));
        }
    }

    /** Undoes {@link #grant}; open sessions stay open, as in AWS. */
    void revoke(String role, String principalArn) throws SQLException {
        if (service == Service.DSQL) {
            Set<String> principals = grants.get(role);
            if (principals != null) {
                principals.remove(principalArn);
            }
        } else {
            execute("REVOKE " + RDS_IAM + " FROM " + Backend.quoteIdentifier(role));
        }
    }

    /** Throws with the reason unless {@code identity} may log in as {@code user}. */
    void check(String user, Identity identity) throws LoginRejected, SQLException {
        boolean[] found = new boolean[3];
        backend.withAdmin(c -> {
            // rds_iam exists only in RDS mode.
            String iamMember = service == Service.RDS ? "pg_has_role(r.oid, '" + RDS_IAM + "', 'MEMBER')" : "false";
            try (PreparedStatement ps = c.prepareStatement("SELECT r.rolcanlogin, " + iamMember
                    + " FROM pg_roles r WHERE r.rolname = ?")) {
                ps.setString(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        found[0] = true;
                        found[1] = rs.getBoolean(1);
                        found[2] = rs.getBoolean(2);
                    }
                }
            }
            return null;
        });
        if (!found[0]) {
            throw new LoginRejected("role \"" + user + "\" does not exist");
        }
        if (!found[1]) {
            throw new LoginRejected("role \"" + user + "\" is not permitted to log in (no LOGIN)");
        }
        if (service == Service.DSQL) {
            Set<String> principals = grants.get(user);
            if (principals == null || !principals.contains(identity.principalArn())) {
                throw new LoginRejected("role \"" + user + "\" is not granted to " + identity.principalArn());
            }
        } else if (!found[2]) {
            throw new LoginRejected("user \"" + user + "\" is not enabled for IAM authentication (rds_iam)");
        }
    }

    private void createRole(String role, String options) throws SQLException {
        boolean exists = backend.withAdmin(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                ps.setString(1, role);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
        String quoted = Backend.quoteIdentifier(role);
        execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + quoted + " WITH " + options);
    }

    private void execute(String... statements) throws SQLException {
        backend.withAdmin(c -> {
            try (Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
            return null;
        });
    }
}
