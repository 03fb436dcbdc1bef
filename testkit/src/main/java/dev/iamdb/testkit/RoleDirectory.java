package dev.iamdb.testkit;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Which database roles an IAM identity may log in as. DSQL keeps role-to-principal grants outside
 * PostgreSQL's own catalog ({@code AWS IAM GRANT}, view {@code sys.iam_pg_role_mappings}); here they live
 * in backend tables in schema {@code sys}, changed only through two SECURITY DEFINER procedures that both
 * the SQL route ({@link DsqlStatements}) and the Java API call, so the two always agree. RDS uses
 * membership in the {@code rds_iam} role, which lives in the backend and is checked there.
 */
final class RoleDirectory {

    static final String RDS_IAM = "rds_iam";

    /**
     * The DSQL mapping store. Only the superuser owns and writes the tables; everyone may read the view;
     * the procedures let {@code admin} (and the testkit's superuser, acting for admin) change mappings.
     */
    private static final String[] DSQL_MAPPING_STORE = {
        "CREATE SCHEMA IF NOT EXISTS sys",
        "GRANT USAGE ON SCHEMA sys TO PUBLIC",
        "CREATE TABLE IF NOT EXISTS sys.iam_principal (iam_oid bigint GENERATED ALWAYS AS IDENTITY (START WITH 26000)"
                + " PRIMARY KEY, arn text NOT NULL UNIQUE)",
        "CREATE TABLE IF NOT EXISTS sys.iam_role_grant (iam_oid bigint NOT NULL REFERENCES sys.iam_principal,"
                + " pg_role_oid oid NOT NULL, grantor_pg_role_oid oid NOT NULL, PRIMARY KEY (iam_oid, pg_role_oid))",
        "REVOKE ALL ON sys.iam_principal, sys.iam_role_grant FROM PUBLIC",
        // Joined with pg_roles: a dropped role's mappings disappear, and a new role of that name starts ungranted.
        "CREATE OR REPLACE VIEW sys.iam_pg_role_mappings AS SELECT p.iam_oid::oid AS iam_oid, p.arn, g.pg_role_oid,"
                + " r.rolname AS pg_role_name, g.grantor_pg_role_oid, gr.rolname AS grantor_pg_role_name"
                + " FROM sys.iam_role_grant g JOIN sys.iam_principal p ON p.iam_oid = g.iam_oid"
                + " JOIN pg_catalog.pg_roles r ON r.oid = g.pg_role_oid"
                + " LEFT JOIN pg_catalog.pg_roles gr ON gr.oid = g.grantor_pg_role_oid",
        "GRANT SELECT ON sys.iam_pg_role_mappings TO PUBLIC",
        // session_user, not current_user: inside SECURITY DEFINER current_user is the owner.
        "CREATE OR REPLACE FUNCTION sys.iam_mapped_role(statement text, role_name text) RETURNS oid"
                + " LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$"
                + " DECLARE role_oid oid;"
                + " BEGIN"
                + "  IF session_user <> 'admin' AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN"
                + "   RAISE EXCEPTION 'permission denied for %: only admin may map IAM principals to roles', statement"
                + "    USING ERRCODE = '42501';"
                + "  END IF;"
                + "  SELECT oid INTO role_oid FROM pg_roles WHERE rolname = role_name;"
                + "  IF role_oid IS NULL THEN"
                + "   RAISE EXCEPTION 'role \"%\" does not exist', role_name USING ERRCODE = '42704';"
                + "  END IF;"
                + "  RETURN role_oid;"
                + " END $body$",
        "REVOKE EXECUTE ON FUNCTION sys.iam_mapped_role(text, text) FROM PUBLIC",
        "CREATE OR REPLACE PROCEDURE sys.aws_iam_grant(role_name text, iam_arn text)"
                + " LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$"
                + " DECLARE role_oid oid := sys.iam_mapped_role('AWS IAM GRANT', role_name);"
                + " BEGIN"
                + "  INSERT INTO sys.iam_principal (arn) VALUES (iam_arn) ON CONFLICT (arn) DO NOTHING;"
                + "  INSERT INTO sys.iam_role_grant (iam_oid, pg_role_oid, grantor_pg_role_oid)"
                + "   SELECT p.iam_oid, role_oid, (SELECT oid FROM pg_roles WHERE rolname = 'admin')"
                + "   FROM sys.iam_principal p WHERE p.arn = iam_arn ON CONFLICT DO NOTHING;"
                + " END $body$",
        "CREATE OR REPLACE PROCEDURE sys.aws_iam_revoke(role_name text, iam_arn text)"
                + " LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$"
                + " DECLARE role_oid oid := sys.iam_mapped_role('AWS IAM REVOKE', role_name);"
                + " BEGIN"
                + "  DELETE FROM sys.iam_role_grant g USING sys.iam_principal p"
                + "   WHERE g.iam_oid = p.iam_oid AND p.arn = iam_arn AND g.pg_role_oid = role_oid;"
                + " END $body$",
    };
    private static final String DSQL_MAPPED = "EXISTS (SELECT 1 FROM sys.iam_role_grant g"
            + " JOIN sys.iam_principal p ON p.iam_oid = g.iam_oid WHERE g.pg_role_oid = r.oid AND p.arn = ?)";

    private final Service service;
    private final Backend backend;

    RoleDirectory(Service service, Backend backend) {
        this.service = service;
        this.backend = backend;
    }

    /**
     * Creates the roles every instance starts with: DSQL's {@code admin} and mapping store, or RDS's
     * {@code rds_iam} and master user.
     */
    void setUp(String masterUser, String principalArn) throws SQLException {
        if (service == Service.DSQL) {
            createRole("admin", "LOGIN CREATEROLE CREATEDB");
            execute("ALTER SCHEMA public OWNER TO admin", "GRANT ALL ON SCHEMA public TO admin",
                    // Aurora DSQL's admin may CREATE SCHEMA (Flyway's and Boot's spring.flyway.schemas rely on it).
                    "DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO admin', current_database()); END $$");
            execute(DSQL_MAPPING_STORE);
            grant("admin", principalArn);
        } else {
            createRole(RDS_IAM, "NOLOGIN");
            createRole(masterUser, "LOGIN CREATEROLE CREATEDB");
            String master = Backend.quoteIdentifier(masterUser);
            // WITH ADMIN OPTION: on RDS the master user (rds_superuser) enables other users for IAM, and
            // PostgreSQL 16+ lets a CREATEROLE user grant only roles it administers.
            execute("GRANT " + RDS_IAM + " TO " + master + " WITH ADMIN OPTION", "ALTER SCHEMA public OWNER TO " + master,
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
            call("CALL sys.aws_iam_grant(?, ?)", role, principalArn);
        } else {
            execute("GRANT " + RDS_IAM + " TO " + Backend.quoteIdentifier(role));
        }
    }

    /** Undoes {@link #grant}; open sessions stay open, as in AWS. */
    void revoke(String role, String principalArn) throws SQLException {
        if (service == Service.DSQL) {
            call("CALL sys.aws_iam_revoke(?, ?)", role, principalArn);
        } else {
            execute("REVOKE " + RDS_IAM + " FROM " + Backend.quoteIdentifier(role));
        }
    }

    /** Throws with the reason unless {@code identity} may log in as {@code user}. */
    void check(String user, Identity identity) throws LoginRejected, SQLException {
        boolean[] found = new boolean[3];
        backend.withAdmin(c -> {
            String mapped = service == Service.DSQL ? DSQL_MAPPED : "pg_has_role(r.oid, '" + RDS_IAM + "', 'MEMBER')";
            try (PreparedStatement ps = c.prepareStatement("SELECT r.rolcanlogin, " + mapped
                    + " FROM pg_roles r WHERE r.rolname = ?")) {
                int i = 1;
                if (service == Service.DSQL) {
                    ps.setString(i++, identity.principalArn());
                }
                ps.setString(i, user);
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
        if (service == Service.DSQL && !found[2]) {
            throw new LoginRejected("role \"" + user + "\" is not granted to " + identity.principalArn());
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

    private void call(String sql, String role, String principalArn) throws SQLException {
        backend.withAdmin(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, role);
                ps.setString(2, principalArn);
                ps.execute();
            }
            return null;
        });
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
