package io.fmad.job.logs;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of {@link LogNoveltyDetector}, with the meanings of the {@code logs.*} options.
 *
 * @param threshold score in (0, 1) at or above which a line alerts
 * @param warmUp lines a key must have logged before it may alert
 * @param memorySize templates remembered per key
 * @param cooldown event time after an alert during which the key raises no new alert
 * @param errorWeight how many times rarer a new template counts at level ERROR or FATAL, at least 1
 * @param cacheSize template embeddings cached per subtask; 0 turns the cache off
 * @param stateTtl processing time after a key's last line at which its state expires; zero keeps
 *     state forever
 */
public record LogDetectorSettings(
        double threshold,
        long warmUp,
        int memorySize,
        Duration cooldown,
        double errorWeight,
        int cacheSize,
        Duration stateTtl)
        implements Serializable {

    public LogDetectorSettings {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1), was " + threshold);
        }
        if (warmUp < 0) {
            throw new IllegalArgumentException("warmUp must not be negative, was " + warmUp);
        }
        if (memorySize < 1) {
            throw new IllegalArgumentException("memorySize must be at least 1, was " + memorySize);
        }
        if (cooldown.isNegative()) {
            throw new IllegalArgumentException("cooldown must not be negative, was " + cooldown);
        }
        if (!(errorWeight >= 1)) {
            throw new IllegalArgumentException("errorWeight must be at least 1, was " + errorWeight);
        }
        if (cacheSize < 0) {
            throw new IllegalArgumentException("cacheSize must not be negative, was " + cacheSize);
        }
    }
}
