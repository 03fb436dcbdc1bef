package dev.iamdb.spring;

import dev.iamdb.IamConfig;
import dev.iamdb.IamConfigException;
import dev.iamdb.IamDriver;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.IamService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Adds, behind every other property source, the settings a {@code jdbc:iamdb:} URL implies: {@code dev.iamdb.IamDriver}
 * as the driver class of {@code spring.datasource}, {@code spring.flyway} and {@code spring.liquibase} when their URL
 * is one (Boot cannot tell a driver from such a URL), and for an Aurora DSQL endpoint a HikariCP
 * {@code max-lifetime} under DSQL's 60-minute connection limit. Anything the application sets wins.
 *
 * <p>The values are worked out when Boot asks for them, not when this runs, so that a URL added later (a test's
 * {@code @DynamicPropertySource}) is seen too.
 */
// Boot 4 deprecates this interface in favour of org.springframework.boot.EnvironmentPostProcessor, which Boot 3.5
// lacks; Boot 4 still loads implementations registered under this name.
@SuppressWarnings("deprecation")
final class IamdbEnvironmentPostProcessor implements org.springframework.boot.env.EnvironmentPostProcessor {
    static final String SOURCE_NAME = "iamdbDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getPropertySources().contains(SOURCE_NAME)) {
            environment.getPropertySources().addLast(new Defaults(environment));
        }
    }

    /**
     * Looked up by name only: Boot's binder asks a source that lists no names for each property it binds. Its source
     * object is not the environment, which Boot would take for a nested environment and walk into without end.
     */
    static final class Defaults extends PropertySource<Object> {
        private final ConfigurableEnvironment environment;
        private final Map<String, Boolean> dsqlByUrlAndUser = new ConcurrentHashMap<>();

        Defaults(ConfigurableEnvironment environment) {
            super(SOURCE_NAME, new Object());
            this.environment = environment;
        }

        @Override
        public Object getProperty(String name) {
            switch (name) {
                case "spring.datasource.driver-class-name":
                    return driverFor("spring.datasource.url");
                case "spring.flyway.driver-class-name":
                    return driverFor("spring.flyway.url");
                case "spring.liquibase.driver-class-name":
                    return driverFor("spring.liquibase.url");
                case "spring.datasource.hikari.max-lifetime":
                    return isDsql() ? Long.toString(IamPooledDataSource.DEFAULT_MAX_LIFETIME.toMillis()) : null;
                default:
                    return null;
            }
        }

        private String driverFor(String urlProperty) {
            return isIamdbUrl(environment.getProperty(urlProperty)) ? IamDriver.class.getName() : null;
        }

        private boolean isDsql() {
            String url = environment.getProperty("spring.datasource.url");
            if (!isIamdbUrl(url)) {
                return false;
            }
            String user = environment.getProperty("spring.datasource.username");
            return dsqlByUrlAndUser.computeIfAbsent(url + '\n' + user, k -> service(url, user) == IamService.DSQL);
        }

        /**
         * The service core recognises for the URL and the {@code iamdb.*} settings, or {@code null} when they do not
         * make a configuration yet; the error then surfaces, with its report, when the pool first connects.
         */
        private IamService service(String url, String user) {
            Map<String, String> settings = IamdbSettings.read(environment);
            // The provider class is not needed to tell the service, and loading it here would be too early.
            settings.remove("awsCredentialsProvider");
            try {
                return config(url, settings, user).service();
            } catch (IamConfigException e) {
                if (user != null || settings.containsKey("user")) {
                    return null;
                }
                try {
                    // The user may be in the URL; else any user tells the service as well as the real one.
                    return config(url, settings, "admin").service();
                } catch (IamConfigException again) {
                    return null;
                }
            }
        }

        private static IamConfig config(String url, Map<String, String> settings, String user) {
            IamConfig.Builder builder = IamConfig.builder().url(url).properties(settings);
            if (user != null) {
                builder.property("user", user);
            }
            return builder.build();
        }
    }

    static boolean isIamdbUrl(String url) {
        return url != null && url.regionMatches(true, 0, IamDriver.URL_PREFIX, 0, IamDriver.URL_PREFIX.length());
    }
}
