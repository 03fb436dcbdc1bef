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
 * }</pre>
 */
public final class LocalIamDatabaseExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            LocalIamDatabaseExtension.class);

    private final LocalIamDatabase.Builder builder;

    /** Defaults: see {@link LocalIamDatabase#builder()}. */
    public LocalIamDatabaseExtension() {
        this(LocalIamDatabase.builder());
    }

    /** Starts instances from {@code builder}'s settings. */
    public LocalIamDatabaseExtension(LocalIamDatabase.Builder builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    /** The running instance of the current test class (for use from a {@code @RegisterExtension} field). */
    public LocalIamDatabase get(ExtensionContext context) {
        return database(context);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        LocalIamDatabase db = context.getStore(NAMESPACE).remove(this, LocalIamDatabase.class);
        if (db != null) {
            db.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalIamDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return database(context);
    }

    /** The instance lives in the class-level store, so every test of the class shares it. */
    private LocalIamDatabase database(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(this, key -> builder.start(),
                LocalIamDatabase.class);
    }
}
