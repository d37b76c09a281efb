package io.fmad.connectors.tools;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Strict parser for {@code --name value}, {@code --name=value} and {@code --flag} arguments.
 * Unknown options, repeated options, missing values and positional arguments are rejected with a
 * {@link UsageException} that names the argument.
 */
final class CommandLineOptions {

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flagsSet;

    private CommandLineOptions(Set<String> flagsSet) {
        this.flagsSet = flagsSet;
    }

    /**
     * Parses {@code args}.
     *
     * @param valued names (without {@code --}) of options that take a value
     * @param flags names of options without a value
     */
    static CommandLineOptions parse(String[] args, Set<String> valued, Set<String> flags) throws UsageException {
        CommandLineOptions options = new CommandLineOptions(new java.util.HashSet<>());
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("Unexpected argument '" + arg + "': options start with --");
            }
            String name = arg.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException("Option --" + name + " takes no value, got '" + value + "'");
                }
                options.flagsSet.add(name);
                continue;
            }
            if (!valued.contains(name)) {
                throw new UsageException("Unknown option '" + arg + "'");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("Missing value for option --" + name);
                }
                value = args[++i];
            }
            if (options.values.putIfAbsent(name, value) != null) {
                throw new UsageException("Option --" + name + " given more than once");
            }
        }
        return options;
    }

    String required(String name) throws UsageException {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException("Missing required option --" + name);
        }
        return value;
    }

    String optional(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    boolean flag(String name) {
        return flagsSet.contains(name);
    }

    double nonNegativeDouble(String name, double defaultValue) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            double parsed = Double.parseDouble(value);
            if (parsed >= 0 && Double.isFinite(parsed)) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("Invalid value '" + value + "' for option --" + name + ": expected a number >= 0");
    }

    long nonNegativeLong(String name, long defaultValue) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("Invalid value '" + value + "' for option --" + name + ": expected an integer >= 0");
    }
}
