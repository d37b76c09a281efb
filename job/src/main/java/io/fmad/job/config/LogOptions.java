package io.fmad.job.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;

/**
 * Options of the log pipeline: the logs topic and the {@code logs.*} settings of the novelty
 * detector and its embedding cache. They are part of {@link FmadOptions#ALL} and parsed into
 * {@link LogConfig}. Without {@link #LOGS_TOPIC} the job reads no logs, and the other options are
 * still validated.
 */
public final class LogOptions {

    public static final ConfigOption<String> LOGS_TOPIC =
            ConfigOptions.key("kafka.topic.logs")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Topic of LogEvent records (Avro single-object encoding). Unset, the"
                                    + " job reads metrics only.");

    public static final ConfigOption<Double> THRESHOLD =
            ConfigOptions.key("logs.threshold")
                    .doubleType()
                    .defaultValue(0.998)
                    .withDescription(
                            "Score in (0, 1) at or above which a log line whose template is new to"
                                    + " its key alerts. The score is one minus the estimated"
                                    + " probability that a line of the key is at least this novel.");

    public static final ConfigOption<Integer> WARM_UP =
            ConfigOptions.key("logs.warm-up")
                    .intType()
                    .defaultValue(500)
                    .withDescription(
                            "Lines a key must have logged before it can alert. The detector learns"
                                    + " the key's templates during warm-up but emits nothing.");

    public static final ConfigOption<Integer> MEMORY_SIZE =
            ConfigOptions.key("logs.memory-size")
                    .intType()
                    .defaultValue(128)
                    .withDescription(
                            "Templates remembered per key, each with its embedding (up to about 600 bytes"
                                    + " of state per template). When the memory is full, the template"
                                    + " seen least recently is forgotten, and it counts as new when it"
                                    + " comes back.");

    public static final ConfigOption<Duration> COOLDOWN =
            ConfigOptions.key("logs.cooldown")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "Event time after a log alert during which the same key raises no new"
                                    + " log alert. New templates in that time are remembered without an"
                                    + " alert. 0 turns the cooldown off.");

    public static final ConfigOption<Double> ERROR_WEIGHT =
            ConfigOptions.key("logs.error-weight")
                    .doubleType()
                    .defaultValue(10.0)
                    .withDescription(
                            "How many times rarer a new template counts when its line has level"
                                    + " ERROR or FATAL. 1 ignores the level.");

    public static final ConfigOption<Integer> CACHE_SIZE =
            ConfigOptions.key("logs.cache-size")
                    .intType()
                    .defaultValue(10_000)
                    .withDescription(
                            "Template embeddings cached per subtask (about 1.6 KB of heap each, plus the template), so"
                                    + " a template already embedded for any key is not run through the"
                                    + " model again. 0 turns the cache off.");

    public static final ConfigOption<Integer> MAX_TOKENS =
            ConfigOptions.key("logs.max-tokens")
                    .intType()
                    .defaultValue(128)
                    .withDescription(
                            "Tokens of a template that the text encoder reads, [CLS] and [SEP]"
                                    + " included; the rest of a longer template is ignored. From 2 to"
                                    + " 512.");

    /** All log options, in the order --help lists them. */
    public static final List<ConfigOption<?>> ALL =
            List.of(LOGS_TOPIC, THRESHOLD, WARM_UP, MEMORY_SIZE, COOLDOWN, ERROR_WEIGHT, CACHE_SIZE, MAX_TOKENS);

    private LogOptions() {}
}
