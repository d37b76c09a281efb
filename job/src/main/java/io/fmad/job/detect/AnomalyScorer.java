package io.fmad.job.detect;

import io.fmad.job.encode.EmbeddedWindow;
import io.fmad.job.window.SeriesWindow;

import java.util.Arrays;

/**
 * Scores a window against its key's own history and maps the result to [0, 1].
 *
 * <p>Per channel, the signals selected by {@code detector.signals} are put on one z-score scale, on which {@value #REFERENCE_Z} (the
 * standard normal 0.999 quantile) is each signal's own anomaly level, and the channel takes the
 * largest:
 *
 * <ul>
 *   <li><b>Foundation-model signals.</b> The model's log reconstruction error of the window, the log
 *       squared error of its forecast of the newest value made one window earlier (for models with
 *       a forecast output), and the log distance from the window's embedding to the embeddings of
 *       the windows one and two seasonal periods earlier ({@link SeasonalMemory}), sampled every
 *       {@value EmbeddingMemory#STRIDE}-th window. Each is scored
 *       twice. Once as a z-score
 *       against the key's exponentially weighted mean and variance of that signal, where a z of
 *       {@code detector.calibrated-z} of the model, {@value #DEFAULT_CALIBRATED_Z} by default, reaches the anomaly level: the raw scores have heavier tails than a
 *       normal distribution, and the plain 0.999 quantile raised too many false alarms. And once
 *       against the highest value of the last {@code detector.record-span} windows, where
 *       exceeding that record by {@value #RECORD_MARGIN} (natural log units, about 10 %) reaches the
 *       anomaly level. The record needs no distributional assumption and stays quiet on keys whose
 *       scores are always rough.
 *   <li><b>Level.</b> The mean of the window's last {@code detector.level-points} values, in the
 *       key's baseline standard deviations from its baseline mean; {@code detector.level-sigmas}
 *       reaches the anomaly level.
 *   <li><b>Range.</b> How far the newest value lies beyond the highest or lowest value of the last
 *       {@code detector.range-span} windows, as a fraction of that range; {@code
 *       detector.range-margin} reaches the anomaly level. A value the key has not seen in weeks is
 *       the most precise signal on labeled data, so it also has its own, shorter warm-up and
 *       cooldown in {@link WindowAnomalyDetector}.
 * </ul>
 *
 * <p>The score is the standard normal CDF of the largest z-score over channels. Calibration
 * statistics and records start once the key's windows hold only points from after its first
 * window, so the start-up of the baseline is not learned as normal. A window whose z-score reaches
 * {@value #SUSPECT_Z} is suspect: it does not update the calibration statistics, so a slowly
 * developing anomaly does not become the key's normal before it alerts. After {@value
 * #SUSPECT_RUN_LIMIT} suspect windows in a row, the key accepts the new regime and updates again.
 *
 * <p>Stateless and thread-safe: all state is in the {@link DetectorState} passed in.
 */
public final class AnomalyScorer {

    /** z-score of the standard normal 0.999 quantile: every signal's anomaly level maps to it. */
    static final double REFERENCE_Z = 3.0902;

    /**
     * z-score of a calibrated model signal that reaches the anomaly level, unless the model's
     * descriptor suggests another ({@code detector.calibrated-z}).
     */
    public static final double DEFAULT_CALIBRATED_Z = 3.7;

    /** Margin over the record, in natural log units of the raw score, that reaches the anomaly level. */
    static final double RECORD_MARGIN = 0.1;

    /** Calibration samples a signal needs before its z-score counts; the key is calibrated after as many windows. */
    static final int MIN_CALIBRATION_SAMPLES = 30;

    /** z-score from which a window is suspect and stays out of the calibration statistics. */
    static final double SUSPECT_Z = 4.0;

    /**
     * Suspect windows in a row after which the key accepts them as its new normal, about one day of
     * 5-minute data. Without it, a lasting change of regime would stop calibration for good.
     */
    static final int SUSPECT_RUN_LIMIT = 288;

    /** Cap, in standard deviations above the mean, on a raw score folded into the statistics. */
    static final double UPDATE_CAP_SIGMAS = 4.0;

    /** Added to distances before the logarithm; distances are in normalized embedding units. */
    private static final double DISTANCE_FLOOR = 1e-4;

    /** Added to reconstruction errors before the logarithm; errors are in squared normalized units. */
    private static final double RECONSTRUCTION_FLOOR = 1e-4;

    /** Floor of a raw-score variance, so a key with constant raw scores does not divide by 0. */
    private static final double VARIANCE_FLOOR = 1e-4;

    /**
     * Windows a key must have seen before the range signal counts. A young key's range still
     * widens by chance: the running maximum of noise keeps rising, quickly at first.
     */
    static final int RANGE_WARM_UP = 500;

    /**
     * Typical steps between consecutive values added to the range margin. On noisy series a new
     * extreme by a fraction of one step is chance (the running maximum of independent noise keeps
     * rising slowly), not an anomaly.
     */
    static final double NOISE_MARGIN = 0.5;

    /** Floor of the range width, relative to the magnitude of its highest value. */
    private static final double RELATIVE_RANGE_FLOOR = 1e-9;

    private final DetectorSettings settings;

    public AnomalyScorer(DetectorSettings settings) {
        this.settings = settings;
    }

    /**
     * Outcome of scoring one window.
     *
     * @param score anomaly score in [0, 1]; 0 until the key is calibrated
     * @param maxZ largest z-score over channels and signals; 0 until the key is calibrated
     * @param channelZ per channel, the largest z-score over signals
     * @param rangeZ the range signal's largest z-score over channels, available from window {@value
     *     #RANGE_WARM_UP} and negative infinity before
     * @param calibrated whether the key has seen enough windows for {@code score} to count
     */
    public record Result(double score, double maxZ, double[] channelZ, double rangeZ, boolean calibrated) {

        /** Returns the range signal's own score in [0, 1]. */
        public double rangeScore() {
            return rangeZ == Double.NEGATIVE_INFINITY ? 0.0 : standardNormalCdf(rangeZ);
        }
    }

    /** Scores {@code window}, then updates {@code state} with it. */
    public Result scoreAndUpdate(DetectorState state, EmbeddedWindow window) {
        SeriesWindow series = window.window;
        int channels = state.channels;
        boolean learning = state.windowsSeen >= series.windowSize;
        boolean calibrated = state.windowsSeen >= (long) series.windowSize + MIN_CALIBRATION_SAMPLES;

        EmbeddingMemory.ensure(state, settings.seasonalPeriod());
        double[] rawReconstruction = rawReconstructionErrors(window, channels);
        double[] rawSeason = seasonalRawScores(state, window);
        double[] rawForecast = rawForecastErrors(state, series);

        double[] channelZ = new double[channels];
        double maxZ = Double.NEGATIVE_INFINITY;
        double rangeZ = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < channels; c++) {
            double z = Double.NEGATIVE_INFINITY;
            int tracker = DetectorState.RECORD_TRACKERS * c;
            if (settings.uses(DetectorSignal.RECONSTRUCTION)) {
                z = Math.max(z, calibratedZ(rawReconstruction[c], state.reconstructionMean,
                        state.reconstructionVariance, c, state.reconstructionCount));
                z = Math.max(z, recordZ(state, rawReconstruction[c], tracker));
            }
            if (rawSeason != null && settings.uses(DetectorSignal.SEASONAL)) {
                z = Math.max(z, calibratedZ(rawSeason[c], state.seasonMean, state.seasonVariance, c, state.seasonCount));
                z = Math.max(z, recordZ(state, rawSeason[c], tracker + 1));
            }
            if (settings.uses(DetectorSignal.FORECAST)) {
                z = Math.max(z, calibratedZ(rawForecast[c], state.forecastMean, state.forecastVariance,
                        c, state.forecastCount));
                z = Math.max(z, recordZ(state, rawForecast[c], tracker + 2));
            }
            if (settings.uses(DetectorSignal.LEVEL)) {
                z = Math.max(z, levelZ(series, c));
            }
            if (settings.uses(DetectorSignal.RANGE)) {
                double channelRangeZ = rangeZ(state, series, c);
                z = Math.max(z, channelRangeZ);
                rangeZ = Math.max(rangeZ, channelRangeZ);
            }
            channelZ[c] = z;
            maxZ = Math.max(maxZ, z);
        }

        boolean suspect = maxZ >= SUSPECT_Z;
        state.suspectRun = suspect ? state.suspectRun + 1 : 0;
        if (learning) {
            boolean accept = !suspect || state.suspectRun > SUSPECT_RUN_LIMIT;
            updateCalibration(state, rawReconstruction, rawSeason, rawForecast, accept);
            double[] recordValues = new double[DetectorState.RECORD_TRACKERS * channels];
            for (int c = 0; c < channels; c++) {
                int tracker = DetectorState.RECORD_TRACKERS * c;
                recordValues[tracker] = rawReconstruction[c];
                recordValues[tracker + 1] = rawSeason == null ? Double.NaN : rawSeason[c];
                recordValues[tracker + 2] = rawForecast[c];
            }
            state.records.add(recordValues);
        }
        rememberForecast(state, window);
        double[] extremes = new double[2 * channels];
        for (int c = 0; c < channels; c++) {
            extremes[2 * c] = series.max[c];
            extremes[2 * c + 1] = -series.min[c];
        }
        state.extremes.add(extremes);
        if (EmbeddingMemory.isSampled(state.windowsSeen)) {
            EmbeddingMemory.store(state, window.embeddings, state.windowsSeen, series.start, series.end, false);
        }
        state.windowsSeen++;

        double score = calibrated ? standardNormalCdf(maxZ) : 0.0;
        return new Result(score, calibrated ? maxZ : 0.0, channelZ, rangeZ, calibrated);
    }

    private static double[] rawReconstructionErrors(EmbeddedWindow window, int channels) {
        double[] raw = new double[channels];
        for (int c = 0; c < channels; c++) {
            raw[c] = window.reconstructionErrors == null
                    ? Double.NaN
                    : Math.log(window.reconstructionErrors[c] + RECONSTRUCTION_FLOOR);
        }
        return raw;
    }

    /**
     * Returns, per channel, the log squared error of the previous window's forecast of the newest
     * value, in normalized units, or NaN where there is no such forecast. With {@code window.slide}
     * above 1 the newest value lies several steps after the previous window, so the forecast of
     * that step is used; a gap longer than the forecast leaves the signal out for the window.
     */
    private static double[] rawForecastErrors(DetectorState state, SeriesWindow window) {
        double[] raw = new double[state.channels];
        Arrays.fill(raw, Double.NaN);
        int horizon = state.previousForecastLength;
        long step = window.sequence - state.previousForecastSequence;
        if (state.previousForecast == null || horizon == 0 || step < 1 || step > horizon) {
            return raw;
        }
        for (int c = 0; c < state.channels; c++) {
            double error = window.normalized[(c + 1) * window.windowSize - 1]
                    - state.previousForecast[c * horizon + (int) step - 1];
            raw[c] = Math.log(error * error + RECONSTRUCTION_FLOOR);
        }
        return raw;
    }

    /** Keeps the window's forecast, and its sequence, for the key's next window. */
    private static void rememberForecast(DetectorState state, EmbeddedWindow window) {
        if (window.forecasts == null) {
            state.previousForecast = null;
            state.previousForecastLength = 0;
            return;
        }
        if (state.previousForecast == null || state.previousForecast.length != window.forecasts.length) {
            state.previousForecast = new double[window.forecasts.length];
        }
        for (int i = 0; i < window.forecasts.length; i++) {
            state.previousForecast[i] = window.forecasts[i];
        }
        state.previousForecastLength = window.forecastLength;
        state.previousForecastSequence = window.window.sequence;
    }

    /** z-score of {@code raw} against channel {@code c}'s statistics, on the reference scale. */
    private double calibratedZ(double raw, double[] mean, double[] variance, int c, long count) {
        if (Double.isNaN(raw) || count < MIN_CALIBRATION_SAMPLES) {
            return Double.NEGATIVE_INFINITY;
        }
        double z = (raw - mean[c]) / Math.sqrt(Math.max(variance[c], VARIANCE_FLOOR));
        return z * REFERENCE_Z / settings.calibratedZ();
    }

    /** z-score of {@code raw} against the record of {@code tracker}, on the reference scale. */
    private static double recordZ(DetectorState state, double raw, int tracker) {
        double record = state.records.max(tracker);
        if (Double.isNaN(raw) || record == Double.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        return (raw - record) / RECORD_MARGIN * REFERENCE_Z;
    }

    /**
     * Maps the mean of the window's last {@code detector.level-points} normalized values (deviations
     * from the baseline mean in baseline standard deviations, clipped by the window function) to the
     * reference scale.
     */
    private double levelZ(SeriesWindow window, int channel) {
        int points = Math.min(settings.levelPoints(), window.windowSize);
        int end = (channel + 1) * window.windowSize;
        double sum = 0;
        for (int i = end - points; i < end; i++) {
            sum += window.normalized[i];
        }
        return Math.abs(sum / points) * REFERENCE_Z / settings.levelSigmas();
    }

    /**
     * Returns how far the newest value lies outside the range of the previous windows, on the reference
     * scale, where {@code detector.range-margin} of the range plus {@value #NOISE_MARGIN} typical
     * steps reaches the anomaly level; negative inside the range.
     */
    private double rangeZ(DetectorState state, SeriesWindow window, int channel) {
        if (state.windowsSeen < RANGE_WARM_UP || state.extremes.isEmpty()) {
            return Double.NEGATIVE_INFINITY;
        }
        double high = state.extremes.max(2 * channel);
        double low = -state.extremes.max(2 * channel + 1);
        double range = Math.max(high - low, RELATIVE_RANGE_FLOOR * Math.max(1.0, Math.abs(high)));
        double margin = settings.rangeMargin() * range + NOISE_MARGIN * medianStep(window, channel);
        double last = window.last[channel];
        return Math.max(last - high, low - last) / margin * REFERENCE_Z;
    }

    /**
     * Median absolute change between consecutive values of the window, in the channel's units: a
     * noise level that a few spikes do not move.
     */
    private static double medianStep(SeriesWindow window, int channel) {
        int size = window.windowSize;
        int offset = channel * size;
        double[] steps = new double[size - 1];
        for (int i = 1; i < size; i++) {
            steps[i - 1] = Math.abs(window.normalized[offset + i] - window.normalized[offset + i - 1]);
        }
        return select(steps, (size - 1) / 2) * window.baselineStddev[channel];
    }

    /**
     * Returns the value that {@code values[k]} would hold after sorting, and reorders {@code values}
     * on the way. Quickselect with a median-of-three pivot and branch-free partitions, then an
     * insertion sort of the last few values. Hoare's partition mispredicted a branch for about every
     * value of a window's 63 steps, and took more than twice as long. Values must not be NaN.
     */
    static double select(double[] values, int k) {
        int low = 0;
        int high = values.length - 1;
        while (high - low > SELECT_INSERTION_LIMIT) {
            double a = values[low];
            double b = values[(low + high) >>> 1];
            double c = values[high];
            double pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
            // Values below the pivot to the front, then values equal to it after them.
            int less = partition(values, low, high, pivot, true);
            if (k < less) {
                high = less - 1;
                continue;
            }
            int equal = partition(values, less, high, pivot, false);
            if (k < equal) {
                return pivot;
            }
            low = equal;
        }
        for (int i = low + 1; i <= high; i++) {
            double x = values[i];
            int j = i - 1;
            while (j >= low && values[j] > x) {
                values[j + 1] = values[j];
                j--;
            }
            values[j + 1] = x;
        }
        return values[k];
    }

    /** Ranges this short are sorted by insertion in {@link #select}. */
    private static final int SELECT_INSERTION_LIMIT = 8;

    /**
     * Moves the values of {@code values[from..to]} below {@code pivot} (when {@code below}) or equal
     * to it (otherwise) to the front of that range without a data-dependent branch. Returns the index
     * after the last value moved.
     */
    private static int partition(double[] values, int from, int to, double pivot, boolean below) {
        int store = from;
        for (int i = from; i <= to; i++) {
            double x = values[i];
            boolean moved = below ? x < pivot : x == pivot;
            values[i] = values[store];
            values[store] = x;
            store += moved ? 1 : 0;
        }
        return store;
    }

    /**
     * Returns the log distance of each channel to the same time one or two seasonal periods back,
     * or null when the seasonal signal is off or a channel has no stored window there yet.
     */
    private double[] seasonalRawScores(DetectorState state, EmbeddedWindow window) {
        int period = settings.seasonalPeriod();
        if (period <= 0) {
            return null;
        }
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

    /**
     * Folds the raw scores into the statistics when {@code accept}, and always while a signal has
     * fewer than {@value #MIN_CALIBRATION_SAMPLES} samples.
     */
    private void updateCalibration(
            DetectorState state, double[] rawReconstruction, double[] rawSeason, double[] rawForecast, boolean accept) {
        if (!Double.isNaN(rawReconstruction[0])
                && (accept || state.reconstructionCount < MIN_CALIBRATION_SAMPLES)) {
            state.reconstructionCount++;
            double alpha = alpha(state.reconstructionCount);
            boolean capped = state.reconstructionCount > MIN_CALIBRATION_SAMPLES;
            for (int c = 0; c < state.channels; c++) {
                fold(state.reconstructionMean, state.reconstructionVariance, c, rawReconstruction[c], alpha, capped);
            }
        }
        if (!Double.isNaN(rawForecast[0]) && (accept || state.forecastCount < MIN_CALIBRATION_SAMPLES)) {
            state.forecastCount++;
            double alpha = alpha(state.forecastCount);
            boolean capped = state.forecastCount > MIN_CALIBRATION_SAMPLES;
            for (int c = 0; c < state.channels; c++) {
                fold(state.forecastMean, state.forecastVariance, c, rawForecast[c], alpha, capped);
            }
        }
        if (rawSeason != null && (accept || state.seasonCount < MIN_CALIBRATION_SAMPLES)) {
            state.seasonCount++;
            double alpha = alpha(state.seasonCount);
            boolean capped = state.seasonCount > MIN_CALIBRATION_SAMPLES;
            for (int c = 0; c < state.channels; c++) {
                fold(state.seasonMean, state.seasonVariance, c, rawSeason[c], alpha, capped);
            }
        }
    }

    /** Weight of the n-th sample: the plain mean until {@code detector.score-span}, then decaying. */
    private double alpha(long count) {
        return Math.max(1.0 / count, 1.0 / settings.scoreSpan());
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
