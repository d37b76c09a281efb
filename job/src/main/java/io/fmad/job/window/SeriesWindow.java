package io.fmad.job.window;

import java.util.Arrays;

/**
 * The last {@code windowSize} points of one key, emitted by {@link SlidingWindowFunction}.
 *
 * <p>A key can carry several named values; each is a channel. {@link #normalized} holds channel
 * {@code c}, point {@code i} (oldest first) at {@code c * windowSize + i}, as a z-score against the
 * key's baseline for that channel, clipped to [-{@value SlidingWindowFunction#CLIP}, {@value
 * SlidingWindowFunction#CLIP}]. The statistic arrays are indexed by channel and hold raw values.
 *
 * <p>A Flink POJO: public fields and a no-argument constructor, so Flink serializes it without
 * Kryo.
 */
public class SeriesWindow {

    public String key;
    /** Event time of the first point, in epoch milliseconds. */
    public long start;
    /** Event time of the last point, in epoch milliseconds. */
    public long end;
    /** Number of points of this key up to and including the last one in this window. */
    public long sequence;
    public int windowSize;
    public String[] valueNames;
    public float[] normalized;

    public double[] last;
    public double[] mean;
    public double[] min;
    public double[] max;
    public double[] baselineMean;
    public double[] baselineStddev;

    /** Per channel: event time of the first point that reached {@link #min}, in epoch milliseconds. */
    public long[] minTime;
    /** Per channel: event time of the first point that reached {@link #max}, in epoch milliseconds. */
    public long[] maxTime;
    /**
     * Per channel: event times of the first and last point more than {@value
     * SlidingWindowFunction#DEPARTURE_SIGMAS} baseline standard deviations from the baseline mean, or
     * {@link #NO_TIME} in both when no point is that far. Points in between may be closer.
     */
    public long[] departureStart;
    public long[] departureEnd;

    /** Marks a missing time in the time arrays. */
    public static final long NO_TIME = Long.MIN_VALUE;

    public SeriesWindow() {}

    public int channels() {
        return valueNames.length;
    }

    /** Copies channel {@code channel}'s normalized points into a new array, oldest first. */
    public float[] channel(int channel) {
        return Arrays.copyOfRange(
                normalized, channel * windowSize, (channel + 1) * windowSize);
    }

    @Override
    public String toString() {
        return "SeriesWindow{key=" + key + ", start=" + start + ", end=" + end
                + ", sequence=" + sequence + ", values=" + Arrays.toString(valueNames) + '}';
    }
}
