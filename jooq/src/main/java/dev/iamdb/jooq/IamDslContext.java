package dev.iamdb.jooq;

import dev.iamdb.IamPooledDataSource;
import org.jooq.CloseableDSLContext;
import org.jooq.Configuration;
import org.jooq.impl.DefaultDSLContext;

/** A {@link CloseableDSLContext} that closes the pool it was built with. */
final class IamDslContext extends DefaultDSLContext implements CloseableDSLContext {
    private final IamPooledDataSource pool;

    IamDslContext(Configuration configuration, IamPooledDataSource pool) {
        super(configuration);
        this.pool = pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
