package dev.iamdb.examples;

import dev.iamdb.IamPooledDataSource;
import dev.iamdb.TokenProvider;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * How many IAM tokens a pool signed, and how many times a new connection reused a cached one.
 *
 * @param signed tokens signed
 * @param reused logins that reused a cached token
 */
public record TokenCounts(long signed, long reused) {

    static TokenCounts of(TokenProvider tokens) {
        return new TokenCounts(tokens.tokensSigned(), tokens.tokensReused());
    }

    /** The counters of an iamdb pool, as the Hibernate, jOOQ and MyBatis integrations hand it out. */
    static TokenCounts of(DataSource pool) {
        try {
            return of(pool.unwrap(IamPooledDataSource.class).tokenProvider());
        } catch (SQLException e) {
            throw new IllegalStateException("not an iamdb pool: " + pool, e);
        }
    }

    @Override
    public String toString() {
        return "tokens signed " + signed + ", reused " + reused;
    }
}
