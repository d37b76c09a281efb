package io.fmad.job.detect;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of {@link EmbeddingDistanceDetector}; see the {@code detector.*} options for meanings.
 *
 * @param threshold anomaly score in (0, 1) at or above which an alert is emitted
 * @param warmUp windows a key is scored on before it may alert
 * @param historySize reference embeddings kept per key and channel
 * @param historyStride every this many windows, the current one joins the reference set
 * @param neighbors k of the k nearest neighbours
 * @param scoreSpan span, in windows, of the raw-score calibration statistics
 * @param cooldown windows after an alert during which the key emits no new alert
 * @param rearmBelow score below which a key that alerted may alert again
 * @param seasonPeriod windows in one seasonal period, 288 being a day of 5-minute data. Each window
 *     is also compared with the windows one and two periods earlier; 0 turns that off
 * @param levelSigmas deviation of the last value from the key's baseline, in baseline standard
 *     deviations, that scores like a 0.999 anomaly score
 * @param stateTtl processing time after a key's last window at which its state expires; zero
 *     keeps state forever
 */
public record DetectorSettings(
        double threshold,
        int warmUp,
        int historySize,
        int historyStride,
        int neighbors,
        int scoreSpan,
        int cooldown,
        double rearmBelow,
        double levelSigmas,
        int seasonPeriod,
        Duration stateTtl)
        implements Serializable {

    public DetectorSettings {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1), was " + threshold);
        }
        if (!(rearmBelow > 0 && rearmBelow <= threshold)) {
            throw new IllegalArgumentException(
                    "rearmBelow must be in (0, threshold " + threshold + "], was " + rearmBelow);
        }
        if (seasonPeriod < 0) {
            throw new IllegalArgumentException("seasonPeriod must not be negative, was " + seasonPeriod);
        }
        if (!(levelSigmas > 0)) {
            throw new IllegalArgumentException("levelSigmas must be positive, was " + levelSigmas);
        }
        if (warmUp < 0 || cooldown < 0) {
            throw new IllegalArgumentException(
                    "warmUp and cooldown must not be negative, were " + warmUp + " and " + cooldown);
        }
        if (historySize < 1 || historyStride < 1 || scoreSpan < 2) {
            throw new IllegalArgumentException(
                    "historySize and historyStride must be at least 1 and scoreSpan at least 2, were "
                            + historySize + ", " + historyStride + " and " + scoreSpan);
        }
        if (neighbors < 1 || neighbors > historySize) {
            throw new IllegalArgumentException(
                    "neighbors must be from 1 to historySize (" + historySize + "), was " + neighbors);
        }
    }
}
