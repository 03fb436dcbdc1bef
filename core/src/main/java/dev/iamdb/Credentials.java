package dev.iamdb;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The credentials provider of one credentials source: built once, reused for every token, closed with
 * the last of its users. A provider handed in by the application belongs to the application and is left open.
 * With {@code awsRoleArn}, the source's credentials only call STS and the role's session credentials sign.
 */
final class Credentials implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Credentials.class);

    private final AwsCredentialsProvider provider;
    /** What iamdb built and must close, innermost last: the role's provider and STS client, then the source's. */
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final String source;
    private final String role;
    private final String fix;
    private int users = 1;

    Credentials(IamConfig config) {
        AwsCredentialsProvider base;
        String name;
        String baseRole = null;
        String advice;
        if (config.providerInstance() != null) {
            base = config.providerInstance();
            name = "the supplied credentials provider " + base.getClass().getName();
            advice = "Check the credentials provider the application supplies.";
        } else if (config.providerClass() != null) {
            Class<? extends AwsCredentialsProvider> c = config.providerClass();
            // A static create() may return a JVM-wide instance (DefaultCredentialsProvider.create() does), which
            // iamdb must not close under its other users. So a builder or a public constructor, which give iamdb an
            // instance of its own to close, come first; an instance from create() is used but never closed.
            boolean own = builderMethod(c) != null || publicNoArgConstructor(c) != null;
            base = instantiate(c, own);
            if (own && base instanceof AutoCloseable closeable) {
                owned.add(closeable);
            }
            name = "awsCredentialsProvider " + c.getName();
            advice = "Check what " + c.getName() + " needs to find credentials.";
        } else {
            CredentialsRoute route = config.profile() != null ? CredentialsRoute.namedProfile(config.profile())
                    : CredentialsRoute.select();
            base = route.provider().get();
            if (base instanceof AutoCloseable closeable) {
                owned.add(closeable);
            }
            name = config.profile() != null ? "awsProfile: " + route.name() : route.name();
            baseRole = route.role();
            advice = route.fix();
        }
        IamConfig.AssumeRole assume = config.assumeRole();
        if (assume == null) {
            provider = base;
            source = name;
            role = baseRole;
            fix = advice;
            return;
        }
        try {
            StsClient sts = stsClient(base, config.region());
            owned.add(0, sts);
            owned.add(0, StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(sts)
                    // On the calling thread: the token provider's own worker already keeps logins off it.
                    .asyncCredentialUpdateEnabled(false)
                    .refreshRequest(r -> r.roleArn(assume.roleArn()).roleSessionName(assume.sessionName())
                            .durationSeconds(assume.durationSeconds()).externalId(assume.externalId()))
                    .build());
        } catch (RuntimeException e) {
            // No Credentials object will exist to close what was built so far.
            closeOwned(name);
            throw new IamConfigException(IamProperty.AWS_ROLE_ARN, "Could not set up STS to assume " + assume.roleArn()
                    + " with the credentials from " + name + ": " + e.getMessage() + " Set iamRegion (or AWS_REGION) to "
                    + "the region whose STS endpoint to use.");
        }
        AwsCredentialsProvider roleProvider = (AwsCredentialsProvider) owned.get(0);
        provider = roleProvider;
        source = "role " + assume.roleArn() + " assumed with " + name;
        role = assume.roleArn();
        fix = "Check that the credentials from " + name + " may call sts:AssumeRole on " + assume.roleArn()
                + ", that the role's trust policy names their principal" + (assume.externalId() != null
                ? " and requires the external id given in awsExternalId" : " (and needs no sts:ExternalId)")
                + ", and that awsRoleDurationSeconds is within the role's maximum session duration. If the source "
                + "credentials themselves are missing: " + advice;
    }

    /** STS in the configuration's region, through the JDK's HTTP client, signed with the source credentials. */
    private static StsClient stsClient(AwsCredentialsProvider source, String region) {
        var builder = StsClient.builder().credentialsProvider(source).httpClientBuilder(UrlConnectionHttpClient.builder());
        if (region != null) {
            builder.region(Region.of(region));
        }
        return builder.build();
    }

    /** Resolves current credentials; the provider caches and refreshes them itself. */
    AwsCredentialsIdentity resolve() throws SQLException {
        try {
            return provider.resolveCredentials();
        } catch (RuntimeException e) {
            // The fix last, so that a caller that shows it apart (iamdb doctor) can cut it off.
            throw new SQLException("Could not resolve AWS credentials from " + source + ": " + e.getMessage()
                    + " Running 'aws sts get-caller-identity' with this process's environment shows what AWS sees. " + fix,
                    "08004", e);
        }
    }

    String source() {
        return source;
    }

    /** What to check when this source gives no credentials, as the end of {@link #resolve()}'s message says. */
    String fix() {
        return fix;
    }

    /**
     * Which source answered and as whom, for the log and diagnostics: the source, the role where known, the access
     * key id's first four characters (AKIA long-term, ASIA temporary) and the expiry. Never a secret.
     */
    String describe(AwsCredentialsIdentity identity) {
        String key = identity.accessKeyId();
        return source + (role != null && !source.contains(role) ? ", role " + role : "")
                + ", access key " + (key.length() > 4 ? key.substring(0, 4) : "") + "…"
                + identity.expirationTime().map(t -> ", expires " + t).orElse(", long-term");
    }

    /** The default {@code awsRoleSessionName}: iamdb- and the main class's simple name or the jar's, as CloudTrail shows it. */
    static String defaultSessionName() {
        String main = System.getProperty("sun.java.command", "").trim().split("\\s+", 2)[0];
        main = main.substring(Math.max(main.lastIndexOf('/'), main.lastIndexOf('\\')) + 1);
        main = main.endsWith(".jar") ? main.substring(0, main.length() - 4) : main.substring(main.lastIndexOf('.') + 1);
        String name = ("iamdb-" + main.replaceAll("[^\\w+=,.@-]", "-"));
        name = name.length() > 64 ? name.substring(0, 64) : name;
        return name.equals("iamdb-") ? "iamdb" : name;
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

    /** Releases one user's hold; what iamdb built is closed when the last user lets go. */
    @Override
    public void close() {
        synchronized (this) {
            if (users == 0 || --users > 0) {
                return;
            }
        }
        closeOwned(source);
    }

    private void closeOwned(String from) {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing only releases refresh threads and HTTP connections; nothing to recover.
                log.debug("Closing part of the credentials from {} failed", from, e);
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
