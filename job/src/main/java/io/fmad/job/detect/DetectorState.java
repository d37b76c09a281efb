package io.fmad.job.detect;

/**
 * Per-key state of {@link WindowAnomalyDetector}. A Flink POJO with flat arrays; per-channel
 * arrays are indexed by channel.
 */
public class DetectorState {

    /**
     * Version of this layout, written with the state. State of an older version is discarded and the
     * key starts over, warm-up included.
     */
    public static final int CURRENT_VERSION = 2;

    public int version = CURRENT_VERSION;
    public int channels;
    public int embeddingDim;

    /** Windows scored for this key, including those of the warm-up. */
    public long windowsSeen;
    /** {@link #windowsSeen} at the last alert; negative when the key has never alerted. */
    public long lastAlertWindow = -1;
    /**
     * False from an alert until the key's score falls below the re-arm level, so one lasting
     * anomaly raises one alert, not one per cooldown period.
     */
    public boolean armed = true;
    /** Consecutive suspect windows up to the last one (see {@link AnomalyScorer}). */
    public int suspectRun;

    /** Per channel: exponentially weighted mean and variance of the log reconstruction error. */
    public double[] reconstructionMean;
    public double[] reconstructionVariance;
    /** Log reconstruction errors folded into the statistics so far. */
    public long reconstructionCount;

    /** Per channel: exponentially weighted mean and variance of the log squared forecast error. */
    public double[] forecastMean;
    public double[] forecastVariance;
    /** Log squared forecast errors folded into the statistics so far. */
    public long forecastCount;
    /**
     * The previous window's forecast, channel {@code c}'s step {@code s} at {@code c *
     * previousForecastLength + s}, in normalized units; null when there is none.
     */
    public double[] previousForecast;
    /** Steps per channel in {@link #previousForecast}. */
    public int previousForecastLength;
    /** Sequence number of the window that made {@link #previousForecast}. */
    public long previousForecastSequence;

    /**
     * Seasonal memory (see {@code SeasonalMemory}): a ring of 8-bit embeddings, channel {@code c},
     * entry {@code i}, dimension {@code d} at {@code (c * capacity + i) * embeddingDim + d}, with one
     * scale per channel and entry. The next entry is written at {@link #seasonNext}, and {@link
     * #seasonFilled} entries hold windows.
     */
    public byte[] seasonValues;
    public float[] seasonScales;
    public int seasonNext;
    public int seasonFilled;
    /** Per channel: exponentially weighted mean and variance of the log seasonal distance. */
    public double[] seasonMean;
    public double[] seasonVariance;
    public long seasonCount;

    /**
     * Highest raw scores of the record span: tracker {@code 3c} is channel {@code c}'s log
     * reconstruction error, {@code 3c + 1} its log seasonal distance and {@code 3c + 2} its log
     * squared forecast error.
     */
    public SlidingMaxima records;
    /**
     * Extremes of the range span: tracker {@code 2c} is the highest window maximum of channel {@code
     * c}, {@code 2c + 1} the negated lowest window minimum.
     */
    public SlidingMaxima extremes;

    /** Record trackers per channel: reconstruction error, seasonal distance, forecast error. */
    static final int RECORD_TRACKERS = 3;

    public DetectorState() {}

    /** Creates the state of a key that has not been scored yet. */
    public static DetectorState create(int channels, int embeddingDim, int recordSpan, int rangeSpan) {
        DetectorState state = new DetectorState();
        state.channels = channels;
        state.embeddingDim = embeddingDim;
        state.reconstructionMean = new double[channels];
        state.reconstructionVariance = new double[channels];
        state.forecastMean = new double[channels];
        state.forecastVariance = new double[channels];
        state.records = SlidingMaxima.create(RECORD_TRACKERS * channels, recordSpan);
        state.extremes = SlidingMaxima.create(2 * channels, rangeSpan);
        return state;
    }
}
