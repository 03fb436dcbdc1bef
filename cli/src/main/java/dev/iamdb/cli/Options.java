package dev.iamdb.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options and operands of one command, parsed against the options it accepts. Accepts
 * {@code --name value} and {@code --name=value}; a lone {@code -} is an operand (standard input).
 */
final class Options {
    private final Map<Option, String> values = new LinkedHashMap<>();
    private final List<String> operands = new ArrayList<>();

    private Options() {
    }

    static Options parse(List<String> args, List<Option> accepted, String command) throws UsageException {
        Options o = new Options();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-") || arg.equals("-")) {
                o.operands.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            Option option = accepted.stream().filter(a -> a.name().equals(name)).findFirst()
                    .orElseThrow(() -> new UsageException("unknown option " + name + " for '" + command + "' (see 'iamdb help')"));
            String value;
            if (!option.takesValue()) {
                if (eq >= 0) {
                    throw new UsageException(option.label() + " takes no value");
                }
                value = "true";
            } else if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                // "--user --port 5432" is a forgotten value, not a user named "--port".
                throw new UsageException("missing value for " + option.label() + ": expected " + option.name() + " " + option.valueName());
            }
            if (o.values.put(option, value) != null) {
                throw new UsageException(option.label() + " is given more than once");
            }
        }
        return o;
    }

    /** The option's value ({@code "true"} for a given flag), or {@code null} when absent. */
    String get(Option option) {
        return values.get(option);
    }

    Map<Option, String> values() {
        return values;
    }

    List<String> operands() {
        return operands;
    }
}
