package io.fmad.evaluation.detectors;

import io.fmad.evaluation.SeriesData;
import io.fmad.job.detect.AnomalyScorer;

/**
 * The simplest honest baseline: how unusual a value is against the mean and standard deviation
 * of the preceding {@code window} values of its series. The score is the two-sided normal
 * probability {@code 2 * Phi(|z|) - 1}, so 0.9973 means three standard deviations.
 */
public final class WindowedZScoreDetector extends PerSeriesDetector {

    /** Preceding values the mean and deviation are taken over: one day of 5-minute data. */
    public static final int DEFAULT_WINDOW = 288;

    /** Values needed before the first non-zero score. */
    private static final int MIN_HISTORY = 10;

    private final int window;

    public WindowedZScoreDetector(int window) {
        if (window < MIN_HISTORY) {
            throw new IllegalArgumentException("window must be at least " + MIN_HISTORY + ", was " + window);
        }
        this.window = window;
    }

    @Override
    public String name() {
        return "windowedZScore";
    }

    @Override
    double[] score(SeriesData series) {
        double[] values = series.values();
        double[] scores = new double[values.length];
        double sum = 0;
        double sumOfSquares = 0;

        for (int i = 0; i < values.length; i++) {
            int count = Math.min(i, window);
            if (count >= MIN_HISTORY) {
                double mean = sum / count;
                double variance = Math.max(sumOfSquares / count - mean * mean, 0);
                double stddev = Math.sqrt(variance);
                double z = stddev > 0 ? Math.abs(values[i] - mean) / stddev : 0;
                scores[i] = 1 - 2 * AnomalyScorer.upperTail(z);
            }
            sum += values[i];
            sumOfSquares += values[i] * values[i];
            if (i >= window) {
                sum -= values[i - window];
                sumOfSquares -= values[i - window] * values[i - window];
            }
        }
        return scores;
    }
}
