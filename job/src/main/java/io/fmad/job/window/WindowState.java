package io.fmad.job.window;

import java.util.Arrays;

/**
 * Per-key state of {@link SlidingWindowFunction}: a ring buffer of the last points and the
 * exponentially weighted baseline of each channel. A Flink POJO with flat arrays, so it
 * serializes compactly and without Kryo.
 */
public class WindowState {

    /**
     * Version of this layout, written with the state. Version 2 stores the points' times as int steps
     * instead of epoch milliseconds; {@link #upgrade} converts state of version 1. Version 3 keeps
     * the events that wait for the watermark here ({@link #pendingTimes}); earlier versions kept them
     * in a map state of their own, which {@link SlidingWindowFunction} moves here on restore.
     */
    public static final int CURRENT_VERSION = 3;

    public int version = CURRENT_VERSION;
    /** Channel names, sorted; fixed by the key's first event. */
    public String[] valueNames;
    /** Raw values, channel {@code c} at {@code c * windowSize + slot}. */
    public double[] values;
    /**
     * By slot, milliseconds from the point before to the point in the slot; 0 for a key's first point.
     * Null when {@link #timestamps} contains the times instead.
     */
    public int[] timeSteps;
    /**
     * Event times by slot, in epoch milliseconds, for a key with a gap between two points of its
     * window longer than an int step (about 24.8 days), and for state of version 1; null otherwise.
     */
    public long[] timestamps;
    /** Points appended so far; slot of point {@code n} (0-based) is {@code n % windowSize}. */
    public long count;
    /** Event time of the last appended point; later points must be newer. */
    public long lastTimestamp = Long.MIN_VALUE;
    /** Last value seen per channel, carried forward when an event lacks that channel. */
    public double[] lastValues;
    public double[] baselineMean;
    public double[] baselineVariance;
    /**
     * Event times of the events that wait for the watermark, ascending, in the first {@link
     * #pendingCount} entries; null when none waits.
     */
    public long[] pendingTimes;
    /**
     * Values of the waiting events, event {@code i}'s channel {@code c} at {@code i * channels + c};
     * NaN where the event lacks the channel (valid values are finite).
     */
    public double[] pendingValues;
    public int pendingCount;

    public WindowState() {}

    public static WindowState create(String[] valueNames, int windowSize) {
        WindowState state = new WindowState();
        int channels = valueNames.length;
        state.valueNames = valueNames;
        state.values = new double[channels * windowSize];
        state.timeSteps = new int[windowSize];
        state.lastValues = new double[channels];
        state.baselineMean = new double[channels];
        state.baselineVariance = new double[channels];
        return state;
    }

    int channels() {
        return valueNames.length;
    }

    /** Capacity of the ring, in points: the window size the state was created with. */
    int slots() {
        return timeSteps != null ? timeSteps.length : timestamps.length;
    }

    /**
     * Brings state of an older version to {@link #CURRENT_VERSION} in place. The times of version 1
     * become steps when every gap within the ring fits an int, and stay epoch milliseconds otherwise.
     * Version 2 differs only in having no waiting events here. Returns false, changing
     * nothing, for a version this code does not know, so the caller must start the key over.
     */
    public boolean upgrade() {
        if (version == CURRENT_VERSION) {
            return true;
        }
        if (version == 2) {
            version = CURRENT_VERSION;
            return true;
        }
        if (version != 1 || timestamps == null) {
            return false;
        }
        int[] steps = new int[timestamps.length];
        int filled = (int) Math.min(count, timestamps.length);
        for (int back = 0; back < filled; back++) {
            int slot = (int) ((count - 1 - back) % timestamps.length);
            long step = back == filled - 1 ? 0 : timestamps[slot] - timestamps[(int) ((count - 2 - back) % timestamps.length)];
            if (step < 0 || step > Integer.MAX_VALUE) {
                version = CURRENT_VERSION;
                return true;
            }
            steps[slot] = (int) step;
        }
        timeSteps = steps;
        timestamps = null;
        version = CURRENT_VERSION;
        return true;
    }

    /** Records {@code timestamp} as the time of the point appended in {@code slot}; call it before {@link #count} counts it. */
    public void setTime(int slot, long timestamp) {
        if (timestamps == null) {
            long step = count == 0 ? 0 : timestamp - lastTimestamp;
            if (step <= Integer.MAX_VALUE) {
                timeSteps[slot] = (int) step;
                return;
            }
            // A gap too long for an int step: keep this key's times as epoch milliseconds from now on.
            timestamps = times();
            timeSteps = null;
        }
        timestamps[slot] = timestamp;
    }

    /**
     * Returns the event time of each slot's point, in epoch milliseconds; slots not written yet hold
     * meaningless times. Reads {@link #count} and {@link #lastTimestamp} of the points appended so far.
     */
    long[] times() {
        if (timestamps != null) {
            return timestamps;
        }
        int size = timeSteps.length;
        long[] times = new long[size];
        long time = lastTimestamp;
        int filled = (int) Math.min(count, size);
        // One long division for the newest slot, then a wrapping decrement: a division per slot
        // was the largest single cost of building a window.
        int slot = (int) ((count - 1) % size);
        for (int back = 0; back < filled; back++) {
            times[slot] = time;
            time -= timeSteps[slot];
            slot = slot == 0 ? size - 1 : slot - 1;
        }
        return times;
    }

    /**
     * Returns the index in the waiting events of an event at {@code timestamp}, or {@code -(insertion
     * point) - 1} when none waits at that time, as {@link Arrays#binarySearch} does.
     */
    int findPending(long timestamp) {
        return pendingCount == 0 ? -1 : Arrays.binarySearch(pendingTimes, 0, pendingCount, timestamp);
    }

    /**
     * Inserts a waiting event at {@code index}, a value {@link #findPending} returned negated and less
     * one, and returns the start of its values in {@link #pendingValues} for the caller to fill.
     */
    int insertPending(int index, long timestamp) {
        int channels = channels();
        if (pendingTimes == null) {
            pendingTimes = new long[1];
            pendingValues = new double[channels];
        } else if (pendingCount == pendingTimes.length) {
            pendingTimes = Arrays.copyOf(pendingTimes, pendingCount * 2);
            pendingValues = Arrays.copyOf(pendingValues, pendingCount * 2 * channels);
        }
        System.arraycopy(pendingTimes, index, pendingTimes, index + 1, pendingCount - index);
        System.arraycopy(
                pendingValues, index * channels, pendingValues, (index + 1) * channels, (pendingCount - index) * channels);
        pendingTimes[index] = timestamp;
        pendingCount++;
        return index * channels;
    }

    /**
     * Removes the first {@code n} waiting events. Drops the buffers when none is left, and halves them
     * when a quarter or less is in use. Checkpoints write the buffers whole, so without this a burst,
     * such as a replay that reads ahead of the watermark, would leave every key's buffers large.
     */
    void removePending(int n) {
        if (n >= pendingCount) {
            pendingTimes = null;
            pendingValues = null;
            pendingCount = 0;
            return;
        }
        int channels = channels();
        int left = pendingCount - n;
        if (left <= pendingTimes.length / 4) {
            int capacity = pendingTimes.length / 2;
            pendingTimes = Arrays.copyOfRange(pendingTimes, n, n + capacity);
            pendingValues = Arrays.copyOfRange(pendingValues, n * channels, (n + capacity) * channels);
        } else {
            System.arraycopy(pendingTimes, n, pendingTimes, 0, left);
            System.arraycopy(pendingValues, n * channels, pendingValues, 0, left * channels);
        }
        pendingCount = left;
    }
}
