package dev.iamdb;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * How the text (or object) a user gives for one {@link IamProperty} becomes a value: what is accepted, and
 * the message when it is not. Frameworks that pass objects (Hibernate, Spring) may give a value of the
 * property's natural type; text is parsed strictly (ASCII digits only, {@code true}/{@code false} only).
 */
abstract class PropertyType<T> {
    private static final Pattern DIGITS = Pattern.compile("[+]?[0-9]{1,10}");
    private static final Pattern HOST_NAME = Pattern.compile(
            "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\\.?");

    static final PropertyType<String> TEXT = new PropertyType<>("non-empty text") {
        @Override
        String fromText(String text) {
            return text.isBlank() ? null : text;
        }
    };

    /** A DNS name as AWS hands out: no scheme, port, path or spaces, which would be signed into the token as is. */
    static final PropertyType<String> HOST = new PropertyType<>("a host name such as abc123.dsql.us-east-1.on.aws, without scheme, port or path") {
        @Override
        String fromText(String text) {
            String h = text.trim().toLowerCase(Locale.ROOT);
            return HOST_NAME.matcher(h).matches() ? h : null;
        }
    };

    static final PropertyType<String> REGION = new PropertyType<>("a region such as us-east-1 or eu-west-2") {
        @Override
        String fromText(String text) {
            String r = text.trim().toLowerCase(Locale.ROOT);
            return Endpoint.REGION.matcher(r).matches() ? r : null;
        }
    };

    static final PropertyType<Boolean> BOOLEAN = new PropertyType<>("true or false", List.of("true", "false")) {
        @Override
        Boolean fromText(String text) {
            String v = text.trim().toLowerCase(Locale.ROOT);
            return v.equals("true") ? Boolean.TRUE : v.equals("false") ? Boolean.FALSE : null;
        }

        @Override
        Boolean fromObject(Object value) {
            return value instanceof Boolean b ? b : null;
        }
    };

    static final PropertyType<IamService> SERVICE = new PropertyType<>("dsql or rds", List.of("dsql", "rds")) {
        @Override
        IamService fromText(String text) {
            return IamService.fromPropertyValue(text);
        }

        @Override
        IamService fromObject(Object value) {
            return value instanceof IamService s ? s : null;
        }
    };

    static final PropertyType<Integer> PORT = integer(1, 65535);

    /** {@code iamLogin}: true for {@code session-token}, false for {@code token}. */
    static final PropertyType<Boolean> LOGIN = new PropertyType<>("token or session-token", List.of("token", "session-token")) {
        @Override
        Boolean fromText(String text) {
            String v = text.trim().toLowerCase(Locale.ROOT);
            return v.equals("session-token") ? Boolean.TRUE : v.equals("token") ? Boolean.FALSE : null;
        }
    };

    /** A class name, a {@code Class}, or an instance the application built (and keeps owning). */
    static final PropertyType<Object> CREDENTIALS_PROVIDER = new PropertyType<>(
            "the fully qualified name of an AwsCredentialsProvider implementation") {
        @Override
        Object fromText(String text) {
            return text.isBlank() ? null : text.trim();
        }

        @Override
        Object fromObject(Object value) {
            return value instanceof Class<?> || value instanceof AwsCredentialsProvider ? value : null;
        }
    };

    /** An IAM role ARN in any partition: a session would otherwise fail at STS, far from the setting. */
    static final PropertyType<String> ROLE_ARN = pattern("arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/([\\w+=,.@-]+/)*[\\w+=,.@-]+",
            "a role ARN such as arn:aws:iam::123456789012:role/app");

    /** Text matching {@code regex} in full, trimmed. */
    static PropertyType<String> pattern(String regex, String accepted) {
        return pattern(regex, accepted, false);
    }

    /** As {@link #pattern(String, String)}, for a value some treat as a secret: a message never quotes it. */
    static PropertyType<String> secretPattern(String regex, String accepted) {
        return pattern(regex, accepted, true);
    }

    private static PropertyType<String> pattern(String regex, String accepted, boolean secret) {
        Pattern p = Pattern.compile(regex);
        return new PropertyType<>(accepted, List.of(), secret) {
            @Override
            String fromText(String text) {
                String t = text.trim();
                return p.matcher(t).matches() ? t : null;
            }
        };
    }

    static PropertyType<Integer> integer(int min, int max) {
        return new PropertyType<>("a whole number from " + min + " to " + max) {
            @Override
            Integer fromText(String text) {
                String t = text.trim();
                if (!DIGITS.matcher(t).matches()) {
                    return null;
                }
                return inRange(Long.parseLong(t));
            }

            @Override
            Integer fromObject(Object value) {
                boolean whole = value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte;
                return whole ? inRange(((Number) value).longValue()) : null;
            }

            private Integer inRange(long v) {
                return v >= min && v <= max ? (int) v : null;
            }
        };
    }

    private final String accepted;
    private final List<String> choices;
    private final boolean secret;

    private PropertyType(String accepted) {
        this(accepted, List.of());
    }

    private PropertyType(String accepted, List<String> choices) {
        this(accepted, choices, false);
    }

    private PropertyType(String accepted, List<String> choices, boolean secret) {
        this.accepted = accepted;
        this.choices = choices;
        this.secret = secret;
    }

    /** The value, or {@code null} when the text is not acceptable. */
    abstract T fromText(String text);

    /** The value for an object of the natural type, or {@code null} when the object is not one. */
    T fromObject(Object value) {
        return null;
    }

    List<String> choices() {
        return choices;
    }

    /** What is accepted, for messages. */
    String accepted() {
        return accepted;
    }

    /** The typed value; throws naming {@code writtenAs} and what is accepted. */
    T parse(Object value, String writtenAs) {
        T parsed = value instanceof CharSequence ? fromText(value.toString()) : fromObject(value);
        if (parsed == null) {
            throw secret ? new IamConfigException(writtenAs, "Invalid value for property " + writtenAs + " (not shown: "
                    + (value instanceof CharSequence t ? t.length() + " characters" : "of type " + value.getClass().getName())
                    + "): expected " + accepted + ".") : invalid(writtenAs, value, accepted);
        }
        return parsed;
    }

    static IamConfigException invalid(String writtenAs, Object value, String accepted) {
        String shown = value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                ? "'" + value + "'" : "of type " + value.getClass().getName();
        return new IamConfigException(writtenAs, "Invalid value " + shown + " for property " + writtenAs + ": expected "
                + accepted + ".");
    }
}
