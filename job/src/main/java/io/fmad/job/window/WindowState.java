package io.fmad.job.window;

/**
 * Per-key state of {@link SlidingWindowFunction}: a ring buffer of the last points and the
 * exponentially weighted baseline of each channel. A Flink POJO with flat arrays, so it
 * serializes compactly and without Kryo.
 */
public class WindowState {

    /** Version of this layout, written with the state so a later layout can migrate it. */
    public static final int CURRENT_VERSION = 1;

    public int version = CURRENT_VERSION;
    /** Channel names, sorted; fixed by the key's first event. */
    public String[] valueNames;
    /** Raw values, channel {@code c} at {@code c * windowSize + slot}. */
    public double[] values;
    /** Event times by slot, in epoch milliseconds. */
    public long[] timestamps;
    /** Points appended so far; slot of point {@code n} (0-based) is {@code n % windowSize}. */
    public long count;
    /** Event time of the last appended point; later points must be newer. */
    public long lastTimestamp = Long.MIN_VALUE;
    /** Last value seen per channel, carried forward when an event lacks that channel. */
    public double[] lastValues;
    public double[] baselineMean;
    public double[] baselineVariance;

    public WindowState() {}

    public static WindowState create(String[] valueNames, int windowSize) {
        WindowState state = new WindowState();
        int channels = valueNames.length;
        state.valueNames = valueNames;
        state.values = new double[channels * windowSize];
        state.timestamps = new long[windowSize];
        state.lastValues = new double[channels];
        state.baselineMean = new double[channels];
        state.baselineVariance = new double[channels];
        return state;
    }

    int channels() {
        return valueNames.length;
    }
}
