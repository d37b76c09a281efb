package io.fmad.job.detect;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Settings of {@link WindowAnomalyDetector}; see the {@code detector.*} options for meanings.
 *
 * @param signals the signals combined into the score; {@link DetectorSignal#FORECAST} counts only
 *     when the model has a forecast output
 * @param calibratedZ z-score of a calibrated model signal that scores like a 0.999 anomaly score;
 *     models may suggest their own in {@code model.properties}
 * @param threshold anomaly score in (0, 1) at or above which an alert is emitted
 * @param warmUp windows a key is scored on before it may alert
 * @param scoreSpan span, in windows, of the calibration statistics of the model's raw scores
 * @param cooldown windows after an alert during which the key emits no new alert
 * @param rearmBelow score below which a key that alerted may alert again
 * @param levelSigmas deviation of the mean of the last {@code levelPoints} values from the key's
 *     baseline, in baseline standard deviations, that scores like a 0.999 anomaly score
 * @param levelPoints newest values of a window whose mean is the level
 * @param rangeMargin fraction of the range of the last {@code rangeSpan} windows by which a new
 *     value beyond that range scores like a 0.999 anomaly score
 * @param rangeSpan windows whose values form the key's recent range
 * @param recordSpan windows over which the highest reconstruction error and seasonal distance are
 *     remembered
 * @param seasonPeriod windows in one seasonal period, 288 being a day of 5-minute data. Each window
 *     is also compared with the windows one and two periods earlier; 0 turns that off
 * @param stateTtl processing time after a key's last window at which its state expires; zero
 *     keeps state forever
 */
public record DetectorSettings(
        Set<DetectorSignal> signals,
        double calibratedZ,
        double threshold,
        int warmUp,
        int scoreSpan,
        int cooldown,
        double rearmBelow,
        double levelSigmas,
        int levelPoints,
        double rangeMargin,
        int rangeSpan,
        int recordSpan,
        int seasonPeriod,
        Duration stateTtl)
        implements Serializable {

    public DetectorSettings {
        if (signals == null || signals.isEmpty()) {
            throw new IllegalArgumentException("signals must name at least one signal, were " + signals);
        }
        signals = Collections.unmodifiableSet(EnumSet.copyOf(signals));
        if (!(calibratedZ > 0)) {
            throw new IllegalArgumentException("calibratedZ must be positive, was " + calibratedZ);
        }
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
        if (!(levelSigmas > 0) || !(rangeMargin > 0)) {
            throw new IllegalArgumentException(
                    "levelSigmas and rangeMargin must be positive, were " + levelSigmas + " and " + rangeMargin);
        }
        if (warmUp < 0 || cooldown < 0) {
            throw new IllegalArgumentException(
                    "warmUp and cooldown must not be negative, were " + warmUp + " and " + cooldown);
        }
        if (scoreSpan < 2 || levelPoints < 1 || rangeSpan < 1 || recordSpan < 1) {
            throw new IllegalArgumentException(
                    "scoreSpan must be at least 2 and levelPoints, rangeSpan and recordSpan at least 1, were "
                            + scoreSpan + ", " + levelPoints + ", " + rangeSpan + " and " + recordSpan);
        }
    }

    /** Returns true when {@code signal} is one of the combined signals. */
    public boolean uses(DetectorSignal signal) {
        return signals.contains(signal);
    }

    /** Returns {@link #seasonPeriod}, or 0 when the seasonal signal is off. */
    public int seasonalPeriod() {
        return uses(DetectorSignal.SEASONAL) ? seasonPeriod : 0;
    }
}
