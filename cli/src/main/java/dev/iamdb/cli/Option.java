package dev.iamdb.cli;

import dev.iamdb.IamProperty;

/**
 * One command line option. Most options set an {@link IamProperty}; tying them together lets the
 * help text reuse the property table's descriptions and defaults, and lets every error name both the
 * option the user typed and the property the library documentation explains.
 *
 * @param name     the option, such as {@code --lifetime}
 * @param valueName what the value is in the help text; {@code null} for a flag, which takes no value
 * @param property the property the option sets, or {@code null}
 * @param help     the help text when there is no property to take it from
 */
record Option(String name, String valueName, IamProperty property, String help) {

    static Option of(String name, String valueName, IamProperty property) {
        return new Option(name, valueName, property, property.description());
    }

    boolean takesValue() {
        return valueName != null;
    }

    /** The option as errors name it: {@code --lifetime (iamTokenLifetime)}. */
    String label() {
        return property == null ? name : name + " (" + property.propertyName() + ")";
    }
}
