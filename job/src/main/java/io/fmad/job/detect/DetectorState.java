package io.fmad.job.detect;

/**
 * Per-key state of {@link WindowAnomalyDetector}. A Flink POJO with flat arrays; per-channel
 * arrays are indexed by channel.
 */
public class DetectorState {

    /**
     * Version of this layout, written with the state. Version 3 added the window history. Version 4
     * replaced the seasonal memory and the window history with one sampled embedding memory and
     * cut the blocks of the maxima from 32 to 8. State of versions 2 and 3 is upgraded with {@link #upgrade};
     * state of an older version is discarded and the key starts over, warm-up included.
     */
    public static final int CURRENT_VERSION = 4;

    /** Oldest version that {@link #upgrade} restores instead of discarding. */
    static final int OLDEST_UPGRADABLE_VERSION = 2;

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
     * Embedding memory (see {@code EmbeddingMemory}): a ring of 8-bit embeddings, entry {@code i},
     * channel {@code c}, dimension {@code d} at {@code (i * channels + c) * embeddingDim + d}, with one
     * scale per entry and channel at {@code i * channels + c}. Null until the first window of version
     * 4 is scored, unless converted from version 3.
     */
    public byte[] memoryValues;
    public float[] memoryScales;
    /** Per entry: low 32 bits of the window's number, {@link #windowsSeen} before it was scored. */
    public int[] memoryWindows;
    /** Per entry: event time of the window's last point, in milliseconds after {@link #memoryTimeBase}. */
    public int[] memoryEnds;
    /** Per entry: milliseconds from the window's first point to its last; -1 when its times are unknown. */
    public int[] memoryLengths;
    /** Per entry: whether the window raised an alert. */
    public boolean[] memoryAlerted;
    /** Epoch milliseconds that {@link #memoryEnds} count from. */
    public long memoryTimeBase;
    /** The entry written next. */
    public int memoryNext;
    /** Entries in use, at most the capacity. */
    public int memoryFilled;

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

    /**
     * Version 3's seasonal memory: one 8-bit embedding per window, channel {@code c}, entry {@code i},
     * dimension {@code d} at {@code (c * capacity + i) * embeddingDim + d}, one scale per channel and
     * entry, and the ring's next entry and fill. Read only by {@link #upgrade}, which converts it and
     * sets it to null, so state of version 4 serializes each as one null marker.
     */
    public byte[] seasonValues;
    public float[] seasonScales;
    public int seasonNext;
    public int seasonFilled;

    /**
     * Version 3's window history: every 12th window and every window that alerted, entry {@code i},
     * channel {@code c}, dimension {@code d} at {@code (i * channels + c) * embeddingDim + d}, with
     * start and end times in epoch milliseconds. Read only by {@link #upgrade}, which sets it to null.
     */
    public byte[] historyValues;
    public float[] historyScales;
    public long[] historyStarts;
    public long[] historyEnds;
    public boolean[] historyAlerted;
    public int historyNext;
    public int historyFilled;

    /** Record trackers per channel: reconstruction error, seasonal distance, forecast error. */
    static final int RECORD_TRACKERS = 3;

    public DetectorState() {}

    /**
     * Brings state restored from an older version to {@link #CURRENT_VERSION} in place, for a seasonal
     * period of {@code seasonPeriod} windows (0 when the seasonal signal is off). Returns false,
     * changing nothing, when the state is older than {@value #OLDEST_UPGRADABLE_VERSION}, newer than
     * this code or inconsistent, so the caller must start the key over.
     *
     * <p>Versions 2 and 3 keep their counters, calibration statistics and maxima, whose groups of four
     * blocks are merged into one. Their seasonal memory, one embedding per window, becomes the embedding
     * memory's sampled windows, without times, so the seasonal signal goes on without a gap while the
     * similar-window search starts empty. A version 3 key without a seasonal memory (the signal was
     * off) brings its newest window history entries instead, with their times. Version 2 lacks the
     * window history: Flink's POJO serializer restores it with the history fields null.
     */
    public boolean upgrade(int seasonPeriod) {
        if (version < OLDEST_UPGRADABLE_VERSION || version > CURRENT_VERSION) {
            return false;
        }
        if (version < 4) {
            if (records == null || extremes == null
                    || !records.canMergeBlocks() || !extremes.canMergeBlocks()) {
                return false;
            }
            records.mergeBlocks();
            extremes.mergeBlocks();
            EmbeddingMemory.convertVersion3(this, seasonPeriod);
            seasonValues = null;
            seasonScales = null;
            seasonNext = 0;
            seasonFilled = 0;
            historyValues = null;
            historyScales = null;
            historyStarts = null;
            historyEnds = null;
            historyAlerted = null;
            historyNext = 0;
            historyFilled = 0;
        }
        version = CURRENT_VERSION;
        return true;
    }

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
