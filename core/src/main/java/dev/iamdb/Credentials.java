package dev.iamdb;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.SQLException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The credentials provider of one credentials source: built once, reused for every token, closed with
 * the last of its users. A provider handed in by the application belongs to the application and is left open.
 */
final class Credentials implements AutoCloseable {
    private final AwsCredentialsProvider provider;
    private final boolean owned;
    private final String source;
    private int users = 1;

    Credentials(IamConfig config) {
        this.source = config.credentialsSource();
        if (config.providerInstance() != null) {
            provider = config.providerInstance();
            owned = false;
        } else if (config.providerClass() != null) {
            Class<? extends AwsCredentialsProvider> c = config.providerClass();
            // A static create() may return a JVM-wide instance (DefaultCredentialsProvider.create() does), which
            // iamdb must not close under its other users. So a builder or a public constructor, which give iamdb an
            // instance of its own to close, come first; an instance from create() is used but never closed.
            owned = builderMethod(c) != null || publicNoArgConstructor(c) != null;
            provider = instantiate(c, owned);
        } else if (config.profile() != null) {
            provider = ProfileCredentialsProvider.builder().profileName(config.profile()).build();
            owned = true;
        } else {
            // A private chain, not DefaultCredentialsProvider.create()'s shared one, so closing it here
            // cannot disturb another configuration or the application's own SDK clients.
            provider = DefaultCredentialsProvider.builder().build();
            owned = true;
        }
    }

    /** Resolves current credentials; the provider caches and refreshes them itself. */
    AwsCredentialsIdentity resolve() throws SQLException {
        try {
            return provider.resolveCredentials();
        } catch (RuntimeException e) {
            throw new SQLException("Could not resolve AWS credentials from " + source + ": " + e.getMessage()
                    + " Check that credentials are available to this process (environment variables AWS_ACCESS_KEY_ID/"
                    + "AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, an SSO login, or the instance/container role), "
                    + "for example with 'aws sts get-caller-identity'.", "08004", e);
        }
    }

    String source() {
        return source;
    }

    /** The provider in use, so tests can tell a private instance from a shared one. */
    AwsCredentialsProvider provider() {
        return provider;
    }

    /**
     * One more user of these credentials, as when the driver hands them to a second token provider of the same
     * source; false once they are closed, when the caller must build new ones.
     */
    synchronized boolean retain() {
        if (users == 0) {
            return false;
        }
        users++;
        return true;
    }

    synchronized boolean isClosed() {
        return users == 0;
    }

    /** Releases one user's hold; the provider iamdb built is closed when the last user lets go. */
    @Override
    public void close() {
        synchronized (this) {
            if (users == 0 || --users > 0) {
                return;
            }
        }
        if (owned && provider instanceof AutoCloseable) {
            try {
                ((AutoCloseable) provider).close();
            } catch (Exception e) {
                // Closing only releases refresh threads and HTTP connections; nothing to recover.
                org.slf4j.LoggerFactory.getLogger(Credentials.class).debug("Closing {} failed", source, e);
            }
        }
    }

    /** The provider class named by {@code value}, a class name or a {@code Class}, checked for how iamdb creates it. */
    static Class<? extends AwsCredentialsProvider> loadProviderClass(Object value, String writtenAs) {
        String name = value instanceof Class<?> given ? given.getName() : value.toString();
        Class<?> c;
        if (value instanceof Class<?> given) {
            c = given;
        } else {
            try {
                ClassLoader context = Thread.currentThread().getContextClassLoader();
                c = Class.forName(name, false, context != null ? context : Credentials.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IamConfigException(writtenAs, "Invalid value '" + name + "' for property " + writtenAs
                        + ": no such class on the class path. Expected the fully qualified name of an AwsCredentialsProvider implementation.");
            }
        }
        if (!AwsCredentialsProvider.class.isAssignableFrom(c)) {
            throw new IamConfigException(writtenAs, "Invalid value '" + name + "' for property " + writtenAs
                    + ": the class does not implement " + AwsCredentialsProvider.class.getName() + ".");
        }
        Class<? extends AwsCredentialsProvider> providerClass = c.asSubclass(AwsCredentialsProvider.class);
        if (builderMethod(providerClass) == null && publicNoArgConstructor(providerClass) == null
                && factoryMethod(providerClass) == null) {
            throw new IamConfigException(writtenAs, "Invalid value '" + name + "' for property " + writtenAs
                    + ": the class has neither a public static create() nor a public no-argument constructor "
                    + "(nor a static builder() with build()).");
        }
        return providerClass;
    }

    /** A private instance from {@code builder().build()} or the public constructor, else what {@code create()} returns. */
    private static AwsCredentialsProvider instantiate(Class<? extends AwsCredentialsProvider> c, boolean privateInstance) {
        try {
            if (!privateInstance) {
                return c.cast(factoryMethod(c).invoke(null));
            }
            Method builder = builderMethod(c);
            if (builder != null) {
                return c.cast(builder.getReturnType().getMethod("build").invoke(builder.invoke(null)));
            }
            return publicNoArgConstructor(c).newInstance();
        } catch (InvocationTargetException e) {
            // Only the exception's type and where it came from: its message may hold a secret the provider was given.
            Throwable cause = e.getCause();
            StackTraceElement[] at = cause.getStackTrace();
            throw new IamConfigException(IamProperty.AWS_CREDENTIALS_PROVIDER, "Could not create awsCredentialsProvider "
                    + c.getName() + ": it threw " + cause.getClass().getName()
                    + (at.length > 0 ? " at " + at[0] : "") + " (its message is not shown, as it may contain a secret).");
        } catch (ReflectiveOperationException e) {
            throw new IamConfigException(IamProperty.AWS_CREDENTIALS_PROVIDER, "Could not create awsCredentialsProvider "
                    + c.getName() + ": " + e.getClass().getName() + ".");
        }
    }

    /** A public static {@code builder()} whose result's {@code build()} returns the class, or null. */
    private static Method builderMethod(Class<? extends AwsCredentialsProvider> c) {
        try {
            Method m = c.getMethod("builder");
            if (Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0
                    && c.isAssignableFrom(m.getReturnType().getMethod("build").getReturnType())) {
                return m;
            }
        } catch (NoSuchMethodException e) {
            // none: a constructor or create() may still do
        }
        return null;
    }

    private static Method factoryMethod(Class<?> c) {
        try {
            Method m = c.getMethod("create");
            return Modifier.isStatic(m.getModifiers()) && AwsCredentialsProvider.class.isAssignableFrom(m.getReturnType()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static java.lang.reflect.Constructor<? extends AwsCredentialsProvider> publicNoArgConstructor(
            Class<? extends AwsCredentialsProvider> c) {
        try {
            return Modifier.isAbstract(c.getModifiers()) ? null : c.getConstructor();
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
