package io.fmad.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Parses random settings drawn from the known options with fixed seeds. The only exception that
 * may escape {@link ConfigLoader#load} and {@link FmadConfig#from} is an {@link
 * IllegalArgumentException} whose message names an option or the offending argument. The outcome
 * counts are logged at INFO.
 */
class FmadConfigFuzzTest {

    private static final Logger LOG = LoggerFactory.getLogger(FmadConfigFuzzTest.class);

    private static final int CASES = 3_000;

    /** Values of every kind an option could receive: durations, numbers, enums, unicode, blanks. */
    private static final String[] VALUES = {
        "", " ", "\t", "0", "-0", "1", "-1", "2", "64", "0.5", "1.5", "-0.5", "1e309", "-1e309", "NaN",
        "Infinity", "-Infinity", "9223372036854775807", "9223372036854775808", "99999999999999999999",
        "-2147483649", "2147483648", "0x10", "1_000", "5 s", "30 s", "10 min", "500 ms", "-5 s", "0 s",
        "1.5 s", "PT5S", "P1D", "99999999999999999999 d", "9223372036854775807 ms", "106751991167301 d",
        "5 lightyears", "s", "5", "true", "false", "TRUE", "yes", "EXACTLY_ONCE", "AT_LEAST_ONCE", "NONE",
        "exactly_once", "EARLIEST", "LATEST", "COMMITTED", "CPU", "GPU", "AUTO", "all", "reconstruction",
        "forecast,seasonal", "level,,range", "unknown-signal", "localhost:9092", "topic-a", "topic-b",
        "builtin:fmad-ts-fm", "file:/nonexistent/model", "http://127.0.0.1:1/v1", "ftp://x", "::", "\u0000",
        "ключ-значение", "日本語", "\uD83D\uDE00", "\uD800", "'quoted'", "\"", "%s%n", "${HOME}", "a=b",
        "x".repeat(10_000),
    };

    @Test
    void from_randomSettings_onlyNamedIllegalArgument() {
        Random random = new Random(42L);
        List<String> keys = optionKeys();
        Map<String, Integer> outcomes = new TreeMap<>();

        for (int i = 0; i < CASES; i++) {
            Map<String, String> settings = new LinkedHashMap<>();
            int entries = 1 + random.nextInt(4);
            for (int e = 0; e < entries; e++) {
                settings.put(pickKey(random, keys), pickValue(random));
            }
            outcomes.merge(parse(settings, keys), 1, Integer::sum);
        }

        LOG.info("Parsed {} random settings with FmadConfig.from: {}", CASES, outcomes);
        assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(CASES);
        assertThat(outcomes).containsKey("valid");
    }

    @Test
    void load_randomArguments_onlyIllegalArgument() {
        Random random = new Random(7L);
        List<String> keys = optionKeys();
        int accepted = 0;
        int rejected = 0;

        for (int i = 0; i < CASES; i++) {
            List<String> args = new ArrayList<>();
            int count = random.nextInt(5);
            for (int a = 0; a < count; a++) {
                switch (random.nextInt(4)) {
                    case 0 -> args.add("--" + pickKey(random, keys));
                    case 1 -> args.add("--" + pickKey(random, keys) + "=" + VALUES[random.nextInt(VALUES.length)]);
                    case 2 -> args.add(VALUES[random.nextInt(VALUES.length)]);
                    default -> args.add(random.nextBoolean() ? "--" : "-x");
                }
            }
            try {
                Map<String, String> settings = ConfigLoader.load(args.toArray(new String[0]));
                assertThat(settings).isNotNull();
                accepted++;
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).as("message for %s", args).containsAnyOf("argument", "Config file");
                rejected++;
            } catch (RuntimeException e) {
                fail("ConfigLoader.load threw " + e + " for arguments " + args, e);
            }
        }

        LOG.info("Parsed {} random argument lists with ConfigLoader.load: {} accepted, {} rejected", CASES, accepted, rejected);
        assertThat(accepted + rejected).isEqualTo(CASES);
    }

    /** Returns "valid", or the option named by the IllegalArgumentException; fails on any other exception. */
    private static String parse(Map<String, String> settings, List<String> keys) {
        try {
            FmadConfig.from(settings);
            return "valid";
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            assertThat(message).as("message for %s", settings).isNotBlank();
            if (message.startsWith("Unknown option")) {
                return "unknown option";
            }
            for (String key : keys) {
                if (message.contains("'" + key + "'")) {
                    return "invalid " + key;
                }
            }
            fail("IllegalArgumentException names no option for " + settings + ": " + message, e);
            return null;
        } catch (RuntimeException | Error e) {
            fail("FmadConfig.from threw " + e + " for " + settings, e);
            return null;
        }
    }

    /** Returns a listed value, or a random number, duration or string. */
    private static String pickValue(Random random) {
        String[] units = {"ms", "s", "min", "h", "d", "ns", "µs", "weeks", ""};
        return switch (random.nextInt(5)) {
            case 0 -> Long.toString(random.nextLong() >> random.nextInt(64));
            case 1 -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
            case 2 -> (random.nextLong() >> random.nextInt(64)) + " " + units[random.nextInt(units.length)];
            case 3 -> random.ints(random.nextInt(12), 0, 0x3000)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                    .toString();
            default -> VALUES[random.nextInt(VALUES.length)];
        };
    }

    private static String pickKey(Random random, List<String> keys) {
        int choice = random.nextInt(20);
        if (choice == 0) {
            return FmadConfig.KAFKA_PROPERTIES_PREFIX + "acks";
        }
        if (choice == 1) {
            return "no.such.option";
        }
        return keys.get(random.nextInt(keys.size()));
    }

    private static List<String> optionKeys() {
        List<String> keys = new ArrayList<>();
        for (ConfigOption<?> option : FmadOptions.ALL) {
            keys.add(option.key());
        }
        return keys;
    }
}
