package dev.iamdb.testkit;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The checks that the PostgreSQL and MySQL testkits' builders make of their settings, kept in one place so that both
 * accept the same values and word their refusals the same way. For testkit modules; tests need not call it.
 */
public final class Settings {
    private static final String DEFAULT_REGION = "us-east-1";
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

    private Settings() {
    }

    /** {@code value} in lower case if it is a host name; else an error naming {@code setting} and an {@code example}. */
    public static String hostName(String setting, String value, String example) {
        if (!isHostName(value)) {
            throw new IllegalArgumentException(setting + ": '" + value + "' is not a host name; expected e.g. " + example);
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** Whether {@code value} is a host name (letters, digits and hyphens in dot-separated labels). */
    public static boolean isHostName(String value) {
        return value != null && HOST_NAME.matcher(value).matches();
    }

    /** {@code value} if it is a region name such as us-east-1. */
    public static String region(String value) {
        if (!isRegion(value)) {
            throw new IllegalArgumentException("region: '" + value + "' is not a region name; expected e.g. us-east-1");
        }
        return value;
    }

    public static boolean isRegion(String value) {
        return value != null && REGION.matcher(value).matches();
    }

    /** {@code value} if it is a TCP port; {@code 0} only where {@code anyFree} allows it (pick a free port). */
    public static int port(String setting, int value, boolean anyFree) {
        int min = anyFree ? 0 : 1;
        if (value < min || value > 65535) {
            throw new IllegalArgumentException(setting + ": " + value + " is not a port; expected "
                    + (anyFree ? "0 (any free port)" : "1") + " to 65535");
        }
        return value;
    }

    /** Adds {@code identity} to {@code identities}, refusing a second identity with the same access key id. */
    public static void addIdentity(List<Identity> identities, Identity identity) {
        Objects.requireNonNull(identity, "identity");
        for (Identity known : identities) {
            if (known.accessKeyId().equals(identity.accessKeyId())) {
                throw new IllegalArgumentException("identity: access key id " + identity.accessKeyId() + " is configured twice");
            }
        }
        identities.add(identity);
    }

    /**
     * The region tokens are signed for: the one given, else the one the endpoint's name shows
     * ({@code endpointRegion}), else us-east-1. An endpoint in another region than the one given is refused: AWS
     * accepts a token only for its endpoint's region.
     */
    public static String region(String endpoint, String endpointRegion, String region) {
        if (region != null && endpointRegion != null && !endpointRegion.equals(region)) {
            throw new IllegalArgumentException("endpoint '" + endpoint + "' is in region " + endpointRegion
                    + " but region is " + region + "; AWS accepts a token only for its endpoint's region, so give"
                    + " the same region to both (or leave region out to take the endpoint's)");
        }
        return region != null ? region : endpointRegion != null ? endpointRegion : DEFAULT_REGION;
    }
}
