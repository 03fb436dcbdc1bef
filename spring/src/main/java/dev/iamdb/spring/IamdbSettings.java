package dev.iamdb.spring;

import dev.iamdb.IamProperty;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The {@code iamdb.*} properties: core's {@link IamProperty} table under Boot's names, such as {@code iamdb.aws-profile}
 * for {@code awsProfile}. Boot's relaxed binding reads them from any source ({@code IAMDB_AWSPROFILE} in the
 * environment, {@code iamdb.awsProfile} in YAML); the values go to the driver unchanged, so core checks them.
 */
final class IamdbSettings {
    static final String PREFIX = "iamdb.";

    private IamdbSettings() {
    }

    /** {@code iamdb.} and the property's name in kebab case, as Boot's metadata and documentation write names. */
    static String springName(IamProperty property) {
        StringBuilder name = new StringBuilder(PREFIX);
        for (char c : property.propertyName().toCharArray()) {
            if (Character.isUpperCase(c)) {
                name.append('-').append(Character.toLowerCase(c));
            } else {
                name.append(c);
            }
        }
        return name.toString().toLowerCase(Locale.ROOT);
    }

    /** The {@code iamdb.*} properties that are set, by core's property name, in the table's order. */
    static Map<String, String> read(Environment environment) {
        Binder binder = Binder.get(environment);
        Map<String, String> settings = new LinkedHashMap<>();
        for (IamProperty p : IamProperty.values()) {
            binder.bind(springName(p), Bindable.of(String.class)).ifBound(v -> settings.put(p.propertyName(), v));
        }
        return settings;
    }
}
