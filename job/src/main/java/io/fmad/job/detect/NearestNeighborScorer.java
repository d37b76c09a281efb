package io.fmad.job.detect;

import io.fmad.job.encode.EmbeddedWindow;

import java.util.Arrays;

/**
 * Scores a window's embeddings against the key's own reference embeddings and calibrates the
 * result to [0, 1].
 *
 * <p>Per channel, the raw score is {@code log(mean distance to the k nearest reference
 * embeddings)}, counting only references whose windows do not overlap the scored one (an
 * overlapping window is trivially near). When the model also reconstructs windows, the log
 * reconstruction error is a second raw score, calibrated the same way, and the channel takes the
 * larger z-score. The model's own error catches short spikes that move the embedding little. Each key keeps an exponentially weighted mean and
 * variance of its raw scores. The channel's score is the standard normal CDF of the raw score's
 * z-score against them, so scores mean the same on every key whatever its scale or noise. The
 * statistics are updated with the raw score capped at {@value #UPDATE_CAP_SIGMAS} standard
 * deviations above the mean, so one anomaly does not mask the next.
 *
 * <p>Stateless and thread-safe: all state is in the {@link DetectorState} passed in.
 */
public final class NearestNeighborScorer {

    /** Raw scores folded in before a channel's score is trusted; until then it scores 0. */
    static final int MIN_CALIBRATION_SAMPLES = 30;

    /**
     * z-score from which a window is suspect: it does not update the calibration, and joins the
     * reference set less often, so a slowly developing anomaly does not become the key's new normal
     * right away.
     */
    static final double SUSPECT_Z = 2.5;

    /**
     * Suspect windows still join the reference set, this many times less often than normal ones,
     * so that a lasting change of regime becomes normal after a while instead of alerting forever.
     */
    static final int SUSPECT_STRIDE_FACTOR = 4;

    /** Cap, in standard deviations above the mean, on a raw score folded into the statistics. */
    static final double UPDATE_CAP_SIGMAS = 4.0;

    /** Added to distances before the logarithm; distances are in normalized embedding units. */
    private static final double DISTANCE_FLOOR = 1e-4;

    /** z-score of the standard normal 0.999 quantile, the scale the level signal is mapped to. */
    static final double LEVEL_REFERENCE_Z = 3.0902;

    /** Added to reconstruction errors before the logarithm; errors are in squared normalized units. */
    private static final double RECONSTRUCTION_FLOOR = 1e-4;

    /** Floor of the raw-score variance, so a key with constant raw scores does not divide by 0. */
    private static final double VARIANCE_FLOOR = 1e-4;

    private final DetectorSettings settings;

    public NearestNeighborScorer(DetectorSettings settings) {
        this.settings = settings;
    }

    /** Outcome of scoring one window: per-channel z-scores and the window's overall score. */
    public record Result(double score, double maxZ, double[] channelZ, boolean calibrated) {}

    /**
     * Scores {@code window}, then updates {@code state}. The calibration statistics take the raw
     * scores only while the window's largest z-score, the level signal included, is below {@value
     * #SUSPECT_Z}. The window joins the reference set every {@code historyStride} windows, or every
     * {@value #SUSPECT_STRIDE_FACTOR} times that while it is suspect.
     */
    public Result scoreAndUpdate(DetectorState state, EmbeddedWindow window) {
        int channels = state.channels;
        long sequence = window.window.sequence;
        long overlapLimit = sequence - window.window.windowSize;
        double[] raw = new double[channels];
        boolean hasNeighbors = true;

        for (int c = 0; c < channels; c++) {
            double distance = meanNearestDistance(state, window.embeddings, c, overlapLimit);
            if (Double.isNaN(distance)) {
                hasNeighbors = false;
                break;
            }
            raw[c] = Math.log(distance + DISTANCE_FLOOR);
        }

        double[] z = new double[channels];
        boolean calibrated = hasNeighbors && state.scoreCount >= MIN_CALIBRATION_SAMPLES;
        double maxZ = Double.NEGATIVE_INFINITY;
        boolean useReconstruction = window.reconstructionErrors != null;
        double[] rawReconstruction = new double[channels];
        if (hasNeighbors) {
            if (state.reconstructionMean == null || state.reconstructionMean.length != channels) {
                state.reconstructionMean = new double[channels];
                state.reconstructionVariance = new double[channels];
            }
            for (int c = 0; c < channels; c++) {
                double stddev = Math.sqrt(Math.max(state.scoreVariance[c], VARIANCE_FLOOR));
                z[c] = (raw[c] - state.scoreMean[c]) / stddev;
                if (useReconstruction) {
                    rawReconstruction[c] = Math.log(window.reconstructionErrors[c] + RECONSTRUCTION_FLOOR);
                    double reconstructionStddev = Math.sqrt(Math.max(state.reconstructionVariance[c], VARIANCE_FLOOR));
                    z[c] = Math.max(z[c], (rawReconstruction[c] - state.reconstructionMean[c]) / reconstructionStddev);
                }
                z[c] = Math.max(z[c], levelZ(window, c));
                maxZ = Math.max(maxZ, z[c]);
            }
        }
        double[] rawSeason = seasonalRawScores(state, window);
        if (hasNeighbors) {
            if (rawSeason != null && state.seasonCount >= MIN_CALIBRATION_SAMPLES) {
                for (int c = 0; c < channels; c++) {
                    double stddev = Math.sqrt(Math.max(state.seasonVariance[c], VARIANCE_FLOOR));
                    z[c] = Math.max(z[c], (rawSeason[c] - state.seasonMean[c]) / stddev);
                    maxZ = Math.max(maxZ, z[c]);
                }
            }
            if (!calibrated || maxZ < SUSPECT_Z) {
                updateCalibration(state, raw, rawReconstruction, useReconstruction);
                updateSeasonCalibration(state, rawSeason);
            }
        }
        double score = calibrated ? standardNormalCdf(maxZ) : 0.0;

        boolean suspect = calibrated && maxZ >= SUSPECT_Z;
        int stride = suspect ? settings.historyStride() * SUSPECT_STRIDE_FACTOR : settings.historyStride();
        if (state.windowsSeen % stride == 0) {
            addReference(state, window.embeddings, sequence);
        }
        if (settings.seasonPeriod() > 0) {
            SeasonalMemory.store(state, window.embeddings, settings.seasonPeriod());
        }
        state.windowsSeen++;
        return new Result(score, calibrated ? maxZ : 0.0, z, calibrated);
    }

    /**
     * Returns the log distance of each channel to the same time one or two seasonal periods back,
     * or null when the seasonal signal is off or a channel has no stored window there yet.
     */
    private double[] seasonalRawScores(DetectorState state, EmbeddedWindow window) {
        int period = settings.seasonPeriod();
        if (period <= 0) {
            return null;
        }
        SeasonalMemory.ensure(state, period);
        double[] raw = new double[state.channels];
        for (int c = 0; c < state.channels; c++) {
            double distance = SeasonalMemory.nearestSeasonalDistance(state, window.embeddings, c, period);
            if (Double.isNaN(distance)) {
                return null;
            }
            raw[c] = Math.log(distance + DISTANCE_FLOOR);
        }
        return raw;
    }

    private void updateSeasonCalibration(DetectorState state, double[] rawSeason) {
        if (rawSeason == null) {
            return;
        }
        state.seasonCount++;
        double alpha = Math.max(1.0 / state.seasonCount, 1.0 / settings.scoreSpan());
        boolean capped = state.seasonCount > MIN_CALIBRATION_SAMPLES;
        for (int c = 0; c < state.channels; c++) {
            fold(state.seasonMean, state.seasonVariance, c, rawSeason[c], alpha, capped);
        }
    }

    /**
     * Maps the last value's distance from the key's baseline, in baseline standard deviations, to
     * the z-score scale: {@code detector.level-sigmas} deviations score like a z of {@value
     * #LEVEL_REFERENCE_Z} (the 0.999 quantile). Embeddings of windows normalized by the baseline
     * already carry the level, but blurred over 64 points; this signal reacts on the first point.
     */
    private double levelZ(EmbeddedWindow window, int channel) {
        double stddev = window.window.baselineStddev[channel];
        if (!(stddev > 0)) {
            return 0.0;
        }
        double deviation = Math.abs(window.window.last[channel] - window.window.baselineMean[channel]) / stddev;
        return deviation * LEVEL_REFERENCE_Z / settings.levelSigmas();
    }

    private double meanNearestDistance(
            DetectorState state, float[] embeddings, int channel, long overlapLimit) {
        int k = settings.neighbors();
        int dim = state.embeddingDim;
        double[] nearest = new double[k];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        int found = 0;

        for (int i = 0; i < state.historyCount; i++) {
            if (state.historySequence[i] > overlapLimit) {
                continue;
            }
            int offset = (channel * state.historySize + i) * dim;
            double sum = 0;
            for (int d = 0; d < dim; d++) {
                double difference = embeddings[channel * dim + d] - state.history[offset + d];
                sum += difference * difference;
            }
            found++;
            insertIfNearer(nearest, Math.sqrt(sum));
        }
        if (found < k) {
            return Double.NaN;
        }

        double total = 0;
        for (double distance : nearest) {
            total += distance;
        }
        return total / k;
    }

    /** Keeps {@code nearest} sorted ascending, holding the smallest distances seen. */
    private static void insertIfNearer(double[] nearest, double distance) {
        int last = nearest.length - 1;
        if (distance >= nearest[last]) {
            return;
        }
        int i = last;
        while (i > 0 && nearest[i - 1] > distance) {
            nearest[i] = nearest[i - 1];
            i--;
        }
        nearest[i] = distance;
    }

    private void updateCalibration(
            DetectorState state, double[] raw, double[] rawReconstruction, boolean useReconstruction) {
        state.scoreCount++;
        double alpha = Math.max(1.0 / state.scoreCount, 1.0 / settings.scoreSpan());
        boolean capped = state.scoreCount > MIN_CALIBRATION_SAMPLES;
        for (int c = 0; c < state.channels; c++) {
            fold(state.scoreMean, state.scoreVariance, c, raw[c], alpha, capped);
            if (useReconstruction) {
                fold(state.reconstructionMean, state.reconstructionVariance, c, rawReconstruction[c], alpha, capped);
            }
        }
    }

    /** Folds {@code x} into an exponentially weighted mean and variance, capped above when asked. */
    private static void fold(double[] mean, double[] variance, int c, double x, double alpha, boolean capped) {
        if (capped) {
            x = Math.min(x, mean[c] + UPDATE_CAP_SIGMAS * Math.sqrt(variance[c]));
        }
        double delta = x - mean[c];
        mean[c] += alpha * delta;
        variance[c] = (1 - alpha) * (variance[c] + alpha * delta * delta);
    }

    private static void addReference(DetectorState state, float[] embeddings, long sequence) {
        int dim = state.embeddingDim;
        int slot = state.historyNext;
        for (int c = 0; c < state.channels; c++) {
            System.arraycopy(
                    embeddings, c * dim, state.history, (c * state.historySize + slot) * dim, dim);
        }
        state.historySequence[slot] = sequence;
        state.historyNext = (slot + 1) % state.historySize;
        state.historyCount = Math.min(state.historyCount + 1, state.historySize);
    }

    /** Standard normal CDF, through the complementary error function for accurate upper tails. */
    static double standardNormalCdf(double z) {
        return 1.0 - upperTail(z);
    }

    /** Returns P(Z > z) for a standard normal Z. */
    public static double upperTail(double z) {
        return 0.5 * erfc(z / Math.sqrt(2.0));
    }

    /**
     * Complementary error function, by a Chebyshev fit with fractional error below 1.2e-7 for all
     * x; the tests check it against reference values.
     */
    static double erfc(double x) {
        double t = 1.0 / (1.0 + 0.5 * Math.abs(x));
        double polynomial =
                -x * x
                        - 1.26551223
                        + t * (1.00002368
                        + t * (0.37409196
                        + t * (0.09678418
                        + t * (-0.18628806
                        + t * (0.27886807
                        + t * (-1.13520398
                        + t * (1.48851587
                        + t * (-0.82215223
                        + t * 0.17087277))))))));
        double result = t * Math.exp(polynomial);
        return x >= 0 ? result : 2.0 - result;
    }
}
