package io.fmad.job.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the job's settings from an optional file and the command line.
 *
 * <p>The file, given with {@code --config PATH}, holds one {@code key: value} or {@code key=value}
 * per line, in {@link Properties} syntax, so a flat YAML file of scalars reads the same. Every
 * other argument is an override of the form {@code --key value} or {@code --key=value}, applied
 * after the file.
 */
public final class ConfigLoader {

    /** The argument that names the settings file. */
    public static final String CONFIG_ARGUMENT = "--config";

    private ConfigLoader() {}

    /**
     * Merges the file named by {@code --config} (if any) with the overrides in {@code args}.
     *
     * @throws IllegalArgumentException for a malformed argument or an unreadable file
     */
    public static Map<String, String> load(String[] args) {
        Map<String, String> overrides = new LinkedHashMap<>();
        Path configFile = null;

        for (int i = 0; i < args.length; i++) {
            String argument = args[i];
            if (!argument.startsWith("--") || argument.length() == 2) {
                throw new IllegalArgumentException(
                        "Invalid argument '" + argument + "': expected --key value or --key=value."
                                + " Quote a value that contains spaces, for example --state.ttl '7 d'.");
            }
            String key;
            String value;
            int equals = argument.indexOf('=');
            if (equals > 0) {
                key = argument.substring(2, equals);
                value = argument.substring(equals + 1);
            } else {
                key = argument.substring(2);
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(
                            "Missing value for argument '" + argument + "'.");
                }
                value = args[++i];
            }
            if (("--" + key).equals(CONFIG_ARGUMENT)) {
                configFile = Path.of(value);
            } else {
                overrides.put(key, value);
            }
        }

        Map<String, String> settings = new LinkedHashMap<>();
        if (configFile != null) {
            settings.putAll(readFile(configFile));
        }
        settings.putAll(overrides);
        return settings;
    }

    /** Reads one settings file; values are trimmed and surrounding quotes removed. */
    public static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Config file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Failed to read config file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }

        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            settings.put(key.trim(), unquote(stripComment(properties.getProperty(key).trim())));
        }
        return settings;
    }

    /**
     * Removes a YAML end-of-line comment: from a {@code #} that follows a blank to the end, unless
     * the value starts with a quote, whose closing quote ends the value instead.
     */
    static String stripComment(String value) {
        if (value.startsWith("\"") || value.startsWith("'")) {
            int close = value.indexOf(value.charAt(0), 1);
            return close > 0 ? value.substring(0, close + 1) : value;
        }
        for (int i = 1; i < value.length(); i++) {
            if (value.charAt(i) == '#' && Character.isWhitespace(value.charAt(i - 1))) {
                return value.substring(0, i).trim();
            }
        }
        return value;
    }

    private static String unquote(String value) {
        if (value.length() >= 2) {
            char first = value.charAt(0);
            char last = value.charAt(value.length() - 1);
            if ((first == '"' || first == '\'') && first == last) {
                return value.substring(1, value.length() - 1);
            }
        }
        return value;
    }

    private static String formatDefault(Object value) {
        if (value == null) {
            return "none";
        }
        return value instanceof Duration ? TimeUtils.formatWithHighestUnit((Duration) value) : String.valueOf(value);
    }

    /** Describes every option, with its default, for {@code --help}. */
    public static String describeOptions() {
        StringBuilder help = new StringBuilder();
        for (ConfigOption<?> option : FmadOptions.ALL) {
            help.append("  --")
                    .append(option.key())
                    .append(" (default: ")
                    .append(formatDefault(option.defaultValue()))
                    .append(")\n      ")
                    .append(new HtmlFormatter().format(option.description()))
                    .append('\n');
        }
        help.append("  --")
                .append(FmadConfig.KAFKA_PROPERTIES_PREFIX)
                .append("NAME VALUE\n      Passed to every Kafka client as NAME=VALUE.\n");
        return help.toString();
    }
}
