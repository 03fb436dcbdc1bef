package dev.iamdb.testkit;

import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts one {@link LocalIamDatabase} per test class, stops it after the class,
 * and injects it into test, lifecycle and constructor parameters of type {@code LocalIamDatabase}.
 *
 * <pre>{@code
 * @ExtendWith(LocalIamDatabaseExtension.class)            // DSQL, TLS, generated identity
 * class MyTest {
 *     @Test void connects(LocalIamDatabase db) { ... }
 * }
 *
 * class MyRdsTest {                                        // custom settings
 *     @RegisterExtension
 *     static LocalIamDatabaseExtension db = new LocalIamDatabaseExtension(
 *             LocalIamDatabase.builder().service(Service.RDS).role("app"));
 * }
 *
 * class MyCredentialsTest {                                // with a local AWS beside the database
 *     @RegisterExtension
 *     static LocalIamDatabaseExtension db = new LocalIamDatabaseExtension(
 *             LocalIamDatabase.builder(), LocalAws.builder().role("app"));
 *     @Test void irsa(LocalIamDatabase db, LocalAws aws) { ... }
 * }
 * }</pre>
 */
public final class LocalIamDatabaseExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            LocalIamDatabaseExtension.class);

    private final LocalIamDatabase.Builder builder;
    private final LocalAws.Builder awsBuilder;

    /** Defaults: see {@link LocalIamDatabase#builder()}. */
    public LocalIamDatabaseExtension() {
        this(LocalIamDatabase.builder());
    }

    /** Starts instances from {@code builder}'s settings. */
    public LocalIamDatabaseExtension(LocalIamDatabase.Builder builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
        this.awsBuilder = null;
    }

    /**
     * Starts a {@link LocalAws} from {@code aws}'s settings and then a database from {@code builder}'s that accepts what
     * it issues ({@link LocalIamDatabase.Builder#aws(LocalAws)} is set on {@code builder} at each start). Both are
     * injected into parameters of their types.
     */
    public LocalIamDatabaseExtension(LocalIamDatabase.Builder builder, LocalAws.Builder aws) {
        this.builder = Objects.requireNonNull(builder, "builder");
        this.awsBuilder = Objects.requireNonNull(aws, "aws");
    }

    /** The running instance of the current test class (for use from a {@code @RegisterExtension} field). */
    public LocalIamDatabase get(ExtensionContext context) {
        return database(context);
    }

    /** The local AWS of the current test class, or null when this extension was made without one. */
    public LocalAws aws(ExtensionContext context) {
        return running(context).aws();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Running running = context.getStore(NAMESPACE).remove(this, Running.class);
        if (running != null) {
            running.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == LocalIamDatabase.class || type == LocalAws.class && awsBuilder != null;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalAws.class ? aws(context) : database(context);
    }

    private LocalIamDatabase database(ExtensionContext context) {
        return running(context).db();
    }

    /** The instances live in the class-level store, so every test of the class shares them. */
    private Running running(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(this, key -> start(), Running.class);
    }

    private Running start() {
        if (awsBuilder == null) {
            return new Running(builder.start(), null);
        }
        LocalAws aws = awsBuilder.start();
        try {
            return new Running(builder.aws(aws).start(), aws);
        } catch (RuntimeException e) {
            aws.close();
            throw e;
        }
    }

    /** The database of a test class and its local AWS, if any; closed together. */
    private record Running(LocalIamDatabase db, LocalAws aws) {
        void close() {
            db.close();
            if (aws != null) {
                aws.close();
            }
        }
    }
}
