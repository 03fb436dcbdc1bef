package dev.iamdb.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The examples' configuration files, which sit beside their classes. */
final class Resources {
    private Resources() {
    }

    static Properties properties(String name) {
        Properties properties = new Properties();
        try (InputStream in = Resources.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource dev/iamdb/examples/" + name);
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
