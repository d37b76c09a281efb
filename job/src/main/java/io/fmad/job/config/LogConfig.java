package io.fmad.job.config;

import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of the log pipeline, parsed from {@link LogOptions} and validated with the rest of
 * {@link FmadConfig}. Immutable and serializable.
 */
public final class LogConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Maximum templates remembered per key. Each costs up to about 600 bytes of keyed state. */
    static final int MAX_MEMORY_SIZE = 100_000;

    /** Maximum embeddings cached per subtask. Each costs about 1.6 KB of heap plus its template. */
    static final int MAX_CACHE_SIZE = 10_000_000;

    /** Largest error weight accepted. It lies far beyond any useful value and only rejects typos. */
    static final double MAX_ERROR_WEIGHT = 1e6;

    /** Topic of the log events, or null when the job reads no logs. */
    public final String logsTopic;
    public final double threshold;
    public final int warmUp;
    public final int memorySize;
    public final Duration cooldown;
    public final double errorWeight;
    public final int cacheSize;
    public final int maxTokens;

    LogConfig(Configuration c) {
        logsTopic = FmadConfig.get(c, LogOptions.LOGS_TOPIC);
        threshold = FmadConfig.get(c, LogOptions.THRESHOLD);
        warmUp = FmadConfig.get(c, LogOptions.WARM_UP);
        memorySize = FmadConfig.get(c, LogOptions.MEMORY_SIZE);
        cooldown = FmadConfig.get(c, LogOptions.COOLDOWN);
        errorWeight = FmadConfig.get(c, LogOptions.ERROR_WEIGHT);
        cacheSize = FmadConfig.get(c, LogOptions.CACHE_SIZE);
        maxTokens = FmadConfig.get(c, LogOptions.MAX_TOKENS);
    }

    /** Returns whether the job reads logs, that is whether {@code kafka.topic.logs} is set. */
    public boolean enabled() {
        return logsTopic != null;
    }

    /**
     * Checks every log option, and that the logs topic differs from the job's other topics.
     *
     * @throws IllegalArgumentException naming the option, the value and what is accepted
     */
    void validate(FmadConfig config) {
        if (logsTopic != null) {
            FmadConfig.requireNonBlank(LogOptions.LOGS_TOPIC, logsTopic);
            if (Objects.equals(logsTopic, config.metricsTopic)
                    || Objects.equals(logsTopic, config.alertsTopic)
                    || Objects.equals(logsTopic, config.deadLettersTopic)) {
                throw FmadConfig.invalid(
                        LogOptions.LOGS_TOPIC,
                        logsTopic,
                        "a topic distinct from kafka.topic.metrics, kafka.topic.alerts and"
                                + " kafka.topic.dead-letters");
            }
        }
        if (!(threshold > 0.0 && threshold < 1.0)) {
            throw FmadConfig.invalid(LogOptions.THRESHOLD, threshold, "a number strictly between 0 and 1");
        }
        FmadConfig.requireRange(LogOptions.WARM_UP, warmUp, 0, Integer.MAX_VALUE);
        FmadConfig.requireRange(LogOptions.MEMORY_SIZE, memorySize, 1, MAX_MEMORY_SIZE);
        FmadConfig.requireNotNegative(LogOptions.COOLDOWN, cooldown);
        if (!(errorWeight >= 1.0 && errorWeight <= MAX_ERROR_WEIGHT)) {
            throw FmadConfig.invalid(LogOptions.ERROR_WEIGHT, errorWeight, "a number from 1 to " + MAX_ERROR_WEIGHT);
        }
        FmadConfig.requireRange(LogOptions.CACHE_SIZE, cacheSize, 0, MAX_CACHE_SIZE);
        FmadConfig.requireRange(LogOptions.MAX_TOKENS, maxTokens, 2, 512);
    }
}
