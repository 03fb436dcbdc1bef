package dev.iamdb.jooq;

import org.jooq.CloseableDSLContext;
import org.jooq.Configuration;
import org.jooq.impl.DefaultDSLContext;

/** A {@link CloseableDSLContext} that closes the connection provider it was built with. */
final class IamDslContext extends DefaultDSLContext implements CloseableDSLContext {
    private final IamConnectionProvider connections;

    IamDslContext(Configuration configuration, IamConnectionProvider connections) {
        super(configuration);
        this.connections = connections;
    }

    @Override
    public void close() {
        connections.close();
    }
}
