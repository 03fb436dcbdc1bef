package dev.iamdb;

/**
 * A setting is missing, misspelt, out of range or contradicts another. Thrown when the configuration
 * is built, before any connection is attempted; the message names the property, the bad value and
 * what would be accepted.
 */
public final class IamConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String property;

    IamConfigException(IamProperty property, String message) {
        this(property.propertyName(), message);
    }

    /**
     * For framework adapters that check settings of their own (such as a framework's password key), so
     * that every configuration mistake reaches the application as the same exception type.
     *
     * @param property the name of the setting as the user wrote it
     * @param message what is wrong, with the bad value and what is accepted
     */
    public IamConfigException(String property, String message) {
        super(message);
        this.property = property;
    }

    /** The name of the offending property or setting. */
    public String property() {
        return property;
    }
}
