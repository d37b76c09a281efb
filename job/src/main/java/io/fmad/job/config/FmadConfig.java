package io.fmad.job.config;

import io.fmad.job.detect.DetectorSignal;
import io.fmad.job.incident.IncidentSettings;
import io.fmad.job.incident.SuppressionWindow;
import io.fmad.job.interpret.RunbookEntry;
import io.fmad.job.interpret.RunbookLibrary;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.TimeUtils;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The job's settings, parsed from {@link FmadOptions} and validated as a whole. Instances are
 * immutable and serializable, so operators receive the values they need without re-parsing.
 *
 * <p>Keys under {@value #KAFKA_PROPERTIES_PREFIX} are passed, without the prefix, to every Kafka
 * client the job creates (for example {@code kafka.properties.security.protocol}).
 */
public final class FmadConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Prefix of the keys that are handed to the Kafka clients unchanged. */
    public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";

    public final String bootstrapServers;
    public final String metricsTopic;
    public final String alertsTopic;
    public final String deadLettersTopic;
    public final String groupId;
    public final FmadOptions.StartingOffsets startingOffsets;
    public final boolean bounded;
    public final DeliveryGuarantee deliveryGuarantee;
    public final String transactionalIdPrefix;
    public final Duration transactionTimeout;
    public final Properties kafkaProperties;

    public final Duration outOfOrderness;
    public final Duration idleness;
    public final Duration maxFutureSkew;

    public final int windowSize;
    public final int windowSlide;
    public final int baselineSpan;

    public final String model;
    public final FmadOptions.DeviceOption device;
    public final int batchSize;
    public final Duration batchMaxWait;

    public final Set<DetectorSignal> signals;
    /** {@code detector.signals} as written, for messages. */
    public final String signalsText;
    /** Whether {@code detector.signals} lists signals, rather than taking all the model can feed. */
    public final boolean signalsConfigured;
    public final double threshold;
    public final int warmUp;
    public final int scoreSpan;
    public final int cooldown;
    public final double rearmBelow;
    public final double levelSigmas;
    public final int levelPoints;
    public final double rangeMargin;
    public final int rangeSpan;
    public final int recordSpan;
    public final int seasonPeriod;

    public final Duration interpreterTimeout;
    public final int interpreterCapacity;
    /** The runbook entries read from {@code interpreter.runbooks}, empty when it is unset. */
    public final List<RunbookEntry> runbooks;
    public final int interpreterTopK;
    /** The LLM interpreter's settings. {@link LlmConfig#enabled()} returns whether an LLM is called. */
    public final LlmConfig llm;

    /** The incident stage's settings, suppression windows parsed. */
    public final IncidentSettings incidents;

    public final Duration stateTtl;

    public final String jobName;
    public final int parallelism;
    public final Duration checkpointInterval;
    public final Duration checkpointTimeout;

    /** The log pipeline's settings. {@link LogConfig#enabled()} returns whether the job reads logs. */
    public final LogConfig logs;

    private FmadConfig(Configuration c, Properties kafkaProperties) {
        bootstrapServers = get(c, FmadOptions.BOOTSTRAP_SERVERS);
        metricsTopic = get(c, FmadOptions.METRICS_TOPIC);
        alertsTopic = get(c, FmadOptions.ALERTS_TOPIC);
        deadLettersTopic = get(c, FmadOptions.DEAD_LETTERS_TOPIC);
        groupId = get(c, FmadOptions.GROUP_ID);
        startingOffsets = get(c, FmadOptions.STARTING_OFFSETS);
        bounded = get(c, FmadOptions.BOUNDED);
        deliveryGuarantee = get(c, FmadOptions.DELIVERY_GUARANTEE);
        transactionalIdPrefix = get(c, FmadOptions.TRANSACTIONAL_ID_PREFIX);
        transactionTimeout = get(c, FmadOptions.TRANSACTION_TIMEOUT);
        this.kafkaProperties = kafkaProperties;

        outOfOrderness = get(c, FmadOptions.OUT_OF_ORDERNESS);
        idleness = get(c, FmadOptions.IDLENESS);
        maxFutureSkew = get(c, FmadOptions.MAX_FUTURE_SKEW);

        windowSize = get(c, FmadOptions.WINDOW_SIZE);
        windowSlide = get(c, FmadOptions.WINDOW_SLIDE);
        baselineSpan = get(c, FmadOptions.BASELINE_SPAN);

        model = get(c, FmadOptions.MODEL);
        device = get(c, FmadOptions.DEVICE);
        batchSize = get(c, FmadOptions.BATCH_SIZE);
        batchMaxWait = get(c, FmadOptions.BATCH_MAX_WAIT);

        signalsText = get(c, FmadOptions.SIGNALS);
        signals = parseSignals(signalsText);
        signalsConfigured = !signalsText.trim().equalsIgnoreCase(DetectorSignal.ALL);
        threshold = get(c, FmadOptions.THRESHOLD);
        warmUp = get(c, FmadOptions.WARM_UP);
        scoreSpan = get(c, FmadOptions.SCORE_SPAN);
        cooldown = get(c, FmadOptions.COOLDOWN);
        rearmBelow = get(c, FmadOptions.REARM_BELOW);
        levelSigmas = get(c, FmadOptions.LEVEL_SIGMAS);
        levelPoints = get(c, FmadOptions.LEVEL_POINTS);
        rangeMargin = get(c, FmadOptions.RANGE_MARGIN);
        rangeSpan = get(c, FmadOptions.RANGE_SPAN);
        recordSpan = get(c, FmadOptions.RECORD_SPAN);
        seasonPeriod = get(c, FmadOptions.SEASON_PERIOD);

        interpreterTimeout = get(c, FmadOptions.INTERPRETER_TIMEOUT);
        interpreterCapacity = get(c, FmadOptions.INTERPRETER_CAPACITY);
        runbooks = loadRunbooks(get(c, FmadOptions.INTERPRETER_RUNBOOKS));
        interpreterTopK = get(c, FmadOptions.INTERPRETER_TOP_K);
        llm = new LlmConfig(c);

        incidents = new IncidentSettings(
                get(c, FmadOptions.INCIDENT_QUIET_PERIOD),
                get(c, FmadOptions.INCIDENT_UPDATE_INTERVAL),
                parseSuppressions(get(c, FmadOptions.INCIDENT_SUPPRESS)));

        stateTtl = get(c, FmadOptions.STATE_TTL);

        jobName = get(c, FmadOptions.JOB_NAME);
        parallelism = get(c, FmadOptions.PARALLELISM);
        checkpointInterval = get(c, FmadOptions.CHECKPOINT_INTERVAL);
        checkpointTimeout = get(c, FmadOptions.CHECKPOINT_TIMEOUT);

        logs = new LogConfig(c);
    }

    /**
     * Parses and validates the given settings.
     *
     * @param settings option keys to values, as read from a file and the command line
     * @throws IllegalArgumentException naming the option, the value and what is accepted, for an
     *     unknown key, a value of the wrong type, or a value out of range
     */
    public static FmadConfig from(Map<String, String> settings) {
        Set<String> known = new HashSet<>();
        for (ConfigOption<?> option : FmadOptions.ALL) {
            known.add(option.key());
        }

        Properties kafkaProperties = new Properties();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, String> entry : settings.entrySet()) {
            String key = entry.getKey();
            if (key.startsWith(KAFKA_PROPERTIES_PREFIX)
                    && key.length() > KAFKA_PROPERTIES_PREFIX.length()) {
                kafkaProperties.setProperty(
                        key.substring(KAFKA_PROPERTIES_PREFIX.length()), entry.getValue());
            } else if (!known.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "Unknown option(s) "
                            + unknown
                            + ". Accepted: the keys listed by --help, and any key under '"
                            + KAFKA_PROPERTIES_PREFIX
                            + "' for the Kafka clients.");
        }

        FmadConfig config = new FmadConfig(Configuration.fromMap(settings), kafkaProperties);
        config.validate();
        return config;
    }

    /** Returns the defaults; equivalent to {@code from(Map.of())}. */
    public static FmadConfig defaults() {
        return from(Map.of());
    }

    static <T> T get(Configuration configuration, ConfigOption<T> option) {
        String raw = configuration.toMap().get(option.key());
        if (option.defaultValue() instanceof Duration && raw != null && UNITLESS_NUMBER.matcher(raw).matches()
                && !ZERO.matcher(raw).matches()) {
            // Flink reads a bare number as milliseconds, which is rarely what '5' or '30' means.
            throw invalid(option, raw, "a duration with a unit, such as '500 ms', '30 s' or '10 min'");
        }
        try {
            return configuration.get(option);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Invalid value '"
                            + configuration.toMap().get(option.key())
                            + "' for option '"
                            + option.key()
                            + "': "
                            + acceptedForm(option)
                            + " ("
                            + e.getMessage()
                            + ")",
                    e);
        }
    }

    private static Set<DetectorSignal> parseSignals(String text) {
        try {
            return Collections.unmodifiableSet(DetectorSignal.parseList(text));
        } catch (IllegalArgumentException e) {
            throw invalid(
                    FmadOptions.SIGNALS,
                    text,
                    "a comma-separated list of " + DetectorSignal.configNames() + " (" + e.getMessage() + ")");
        }
    }

    private static final Pattern UNITLESS_NUMBER = Pattern.compile("\\s*[-+]?\\d+\\s*");
    private static final Pattern ZERO = Pattern.compile("\\s*[-+]?0+\\s*");

    private static String acceptedForm(ConfigOption<?> option) {
        Object defaultValue = option.defaultValue();
        if (defaultValue instanceof Duration) {
            return "expected a duration such as '500 ms', '30 s' or '10 min'";
        }
        if (defaultValue instanceof Enum<?>) {
            List<String> names = new ArrayList<>();
            for (Object constant : defaultValue.getClass().getEnumConstants()) {
                names.add(constant.toString());
            }
            return "expected one of " + names;
        }
        if (defaultValue instanceof Integer) {
            return "expected an integer";
        }
        if (defaultValue instanceof Double) {
            return "expected a number";
        }
        if (defaultValue instanceof Boolean) {
            return "expected true or false";
        }
        return "expected a string";
    }

    private void validate() {
        requireNonBlank(FmadOptions.BOOTSTRAP_SERVERS, bootstrapServers);
        requireNonBlank(FmadOptions.METRICS_TOPIC, metricsTopic);
        requireNonBlank(FmadOptions.ALERTS_TOPIC, alertsTopic);
        requireNonBlank(FmadOptions.DEAD_LETTERS_TOPIC, deadLettersTopic);
        requireNonBlank(FmadOptions.GROUP_ID, groupId);
        requireNonBlank(FmadOptions.TRANSACTIONAL_ID_PREFIX, transactionalIdPrefix);
        requireNonBlank(FmadOptions.MODEL, model);
        requireNonBlank(FmadOptions.JOB_NAME, jobName);
        if (metricsTopic.equals(alertsTopic) || metricsTopic.equals(deadLettersTopic)) {
            throw invalid(
                    FmadOptions.METRICS_TOPIC,
                    metricsTopic,
                    "a topic distinct from kafka.topic.alerts and kafka.topic.dead-letters");
        }

        requirePositive(FmadOptions.TRANSACTION_TIMEOUT, transactionTimeout);
        requirePositive(FmadOptions.CHECKPOINT_INTERVAL, checkpointInterval);
        requirePositive(FmadOptions.INCIDENT_QUIET_PERIOD, incidents.quietPeriod());
        requireNotNegative(FmadOptions.INCIDENT_UPDATE_INTERVAL, incidents.updateInterval());
        requireNotNegative(FmadOptions.STATE_TTL, stateTtl);
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
                && transactionTimeout.compareTo(checkpointInterval) <= 0) {
            throw invalid(
                    FmadOptions.TRANSACTION_TIMEOUT,
                    transactionTimeout,
                    "a duration above checkpoint.interval (" + format(checkpointInterval) + ")");
        }
        requirePositive(FmadOptions.CHECKPOINT_TIMEOUT, checkpointTimeout);
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
                && checkpointTimeout.compareTo(transactionTimeout) >= 0) {
            throw invalid(
                    FmadOptions.CHECKPOINT_TIMEOUT,
                    checkpointTimeout,
                    "a duration below kafka.transaction-timeout (" + format(transactionTimeout) + ")");
        }
        requireNotNegative(FmadOptions.OUT_OF_ORDERNESS, outOfOrderness);
        requireNotNegative(FmadOptions.IDLENESS, idleness);
        requirePositive(FmadOptions.MAX_FUTURE_SKEW, maxFutureSkew);

        requireRange(FmadOptions.WINDOW_SIZE, windowSize, 2, 4096);
        requireRange(FmadOptions.WINDOW_SLIDE, windowSlide, 1, windowSize);
        requireRange(FmadOptions.BASELINE_SPAN, baselineSpan, 2, 10_000_000);

        requireRange(FmadOptions.BATCH_SIZE, batchSize, 1, 65_536);
        requirePositive(FmadOptions.BATCH_MAX_WAIT, batchMaxWait);

        if (!(threshold > 0.0 && threshold < 1.0)) {
            throw invalid(FmadOptions.THRESHOLD, threshold, "a number strictly between 0 and 1");
        }
        requireRange(FmadOptions.WARM_UP, warmUp, 0, Integer.MAX_VALUE);
        requireRange(FmadOptions.LEVEL_POINTS, levelPoints, 1, windowSize);
        requireRange(FmadOptions.RANGE_SPAN, rangeSpan, 1, 10_000_000);
        requireRange(FmadOptions.RECORD_SPAN, recordSpan, 1, 10_000_000);
        if (!(rangeMargin > 0.0 && rangeMargin <= 100.0)) {
            throw invalid(FmadOptions.RANGE_MARGIN, rangeMargin, "a number above 0 and at most 100");
        }
        requireRange(FmadOptions.SCORE_SPAN, scoreSpan, 2, 10_000_000);
        requireRange(FmadOptions.COOLDOWN, cooldown, 0, Integer.MAX_VALUE);
        requireRange(FmadOptions.SEASON_PERIOD, seasonPeriod, 0, 100_000);
        if (!(levelSigmas > 0.0 && levelSigmas <= 1000.0)) {
            throw invalid(FmadOptions.LEVEL_SIGMAS, levelSigmas, "a number above 0 and at most 1000");
        }
        if (!(rearmBelow > 0.0 && rearmBelow <= threshold)) {
            throw invalid(FmadOptions.REARM_BELOW, rearmBelow,
                    "a number above 0 and at most detector.threshold (" + threshold + ")");
        }

        requirePositive(FmadOptions.INTERPRETER_TIMEOUT, interpreterTimeout);
        requireRange(FmadOptions.INTERPRETER_CAPACITY, interpreterCapacity, 1, 100_000);
        requireRange(FmadOptions.INTERPRETER_TOP_K, interpreterTopK, 1, 100);
        llm.validate(interpreterTimeout);

        if (parallelism != -1) {
            requireRange(FmadOptions.PARALLELISM, parallelism, 1, 32_768);
        }

        logs.validate(this);
    }

    private static List<SuppressionWindow> parseSuppressions(List<String> entries) {
        if (entries == null) {
            return List.of();
        }
        List<SuppressionWindow> windows = new ArrayList<>();
        for (String entry : entries) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                windows.add(SuppressionWindow.parse(entry));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Invalid value '" + String.join(";", entries) + "' for option '"
                                + FmadOptions.INCIDENT_SUPPRESS.key() + "': " + e.getMessage() + ". Expected entries"
                                + " separated by ';', each " + SuppressionWindow.FORMAT + ".",
                        e);
            }
        }
        return windows;
    }

    private static List<RunbookEntry> loadRunbooks(String folder) {
        if (folder == null) {
            return List.of();
        }
        try {
            return RunbookLibrary.load(Path.of(folder));
        } catch (IllegalArgumentException e) {
            // InvalidPathException, for a malformed path, is an IllegalArgumentException too.
            throw new IllegalArgumentException(
                    "Invalid value '" + folder + "' for option '" + FmadOptions.INTERPRETER_RUNBOOKS.key() + "': "
                            + e.getMessage() + ". Expected a readable directory with at least one UTF-8 *"
                            + RunbookLibrary.EXTENSION + " file whose title is a Markdown heading such as"
                            + " '# Disk full'.",
                    e);
        }
    }

    static void requireNonBlank(ConfigOption<String> option, String value) {
        if (value == null || value.isBlank()) {
            throw invalid(option, value, "a non-empty string");
        }
    }

    static void requireRange(ConfigOption<Integer> option, int value, int min, int max) {
        if (value < min || value > max) {
            String range =
                    max == Integer.MAX_VALUE
                            ? "an integer of at least " + min
                            : "an integer from " + min + " to " + max;
            throw invalid(option, value, range);
        }
    }

    static void requirePositive(ConfigOption<Duration> option, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw invalid(option, value, "a positive duration");
        }
    }

    static void requireNotNegative(ConfigOption<Duration> option, Duration value) {
        if (value.isNegative()) {
            throw invalid(option, value, "a duration of 0 or more");
        }
    }

    static IllegalArgumentException invalid(ConfigOption<?> option, Object value, String accepted) {
        return new IllegalArgumentException(
                "Invalid value '" + format(value) + "' for option '" + option.key() + "': expected "
                        + accepted + ".");
    }

    /** Formats durations as Flink's configuration reads them back, for example {@code 500 ms}. */
    static String format(Object value) {
        return value instanceof Duration ? TimeUtils.formatWithHighestUnit((Duration) value) : String.valueOf(value);
    }
}
