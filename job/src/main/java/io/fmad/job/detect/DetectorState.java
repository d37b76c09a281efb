package io.fmad.job.detect;

/**
 * Per-key state of {@link EmbeddingDistanceDetector}. A Flink POJO with flat arrays.
 *
 * <p>Layouts: {@link #history} stores channel {@code c}, entry {@code i}, dimension {@code d} at
 * {@code (c * historySize + i) * embeddingDim + d}. Entries form a ring: the next one is written at
 * {@link #historyNext}, and {@link #historySequence} records the window sequence each entry came
 * from, so windows that overlap the scored one can be skipped.
 */
public class DetectorState {

    /** Version of this layout, written with the state so a later layout can migrate it. */
    public static final int CURRENT_VERSION = 1;

    public int version = CURRENT_VERSION;
    public int channels;
    public int embeddingDim;
    public int historySize;

    public float[] history;
    public long[] historySequence;
    public int historyCount;
    public int historyNext;

    /** Windows scored for this key, including those of the warm-up. */
    public long windowsSeen;
    /** {@link #windowsSeen} at the last alert; negative when the key has never alerted. */
    public long lastAlertWindow = -1;
    /**
     * False from an alert until the key's score falls below the re-arm level, so one lasting
     * anomaly raises one alert, not one per cooldown period.
     */
    public boolean armed = true;

    /** Per channel: exponentially weighted mean and variance of the log nearest-neighbour distance. */
    public double[] scoreMean;
    public double[] scoreVariance;
    /** Per channel: exponentially weighted mean and variance of the log reconstruction error. */
    public double[] reconstructionMean;
    public double[] reconstructionVariance;

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

    /** Raw scores folded into {@link #scoreMean} so far (the same for all channels). */
    public long scoreCount;

    public DetectorState() {}

    public static DetectorState create(int channels, int embeddingDim, int historySize) {
        DetectorState state = new DetectorState();
        state.channels = channels;
        state.embeddingDim = embeddingDim;
        state.historySize = historySize;
        state.history = new float[channels * historySize * embeddingDim];
        state.historySequence = new long[historySize];
        state.scoreMean = new double[channels];
        state.scoreVariance = new double[channels];
        return state;
    }
}
