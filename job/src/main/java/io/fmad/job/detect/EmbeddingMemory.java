package io.fmad.job.detect;

import java.util.Arrays;

/**
 * A key's ring of past window embeddings, shared by the seasonal distance ({@link SeasonalMemory})
 * and the similar-window search ({@link WindowHistory}).
 *
 * <p>A window enters the memory when its number (the key's {@link DetectorState#windowsSeen}
 * before it was scored) is a multiple of {@value #STRIDE}, and when it raised an alert. The ring
 * contains enough sampled windows to reach {@value SeasonalMemory#DAYS} seasonal periods back, plus
 * {@value #ALERT_SLACK} entries for alerted windows: 54 entries for a period of 288 windows.
 * Sampling every 12th window instead of every window, with the seasonal lag tolerance widened by
 * half a stride, moved the NAB scores of the default configuration by at most 0.2 points
 * (71.2 / 65.1 / 75.3 against 71.3 / 65.3 / 75.4, {@code scripts/evaluate.sh --detectors fmad}).
 * Every 16th window scored as well on NAB, but raised a false alarm on a clean daily sine wave in
 * {@code FmadScoreSqlITCase}, and every 24th window lost 1.9 points.
 *
 * <p>Each entry stores every channel's embedding as 8-bit values with one float scale per channel,
 * the window's number (its low 32 bits), the event time of its last point as an int offset in
 * milliseconds from {@link DetectorState#memoryTimeBase}, its length in milliseconds and whether it
 * alerted. An entry takes {@code channels * (embeddingDim + 4) + 13} bytes: 33 bytes for one channel
 * of a 16-dimensional embedding, so 1,782 bytes for 54 entries.
 *
 * <p>NOTE: entries do not record the model version. A new model version with the same embedding size
 * is compared with windows that the previous version embedded until the ring turns over.
 *
 * <p>Stateless: everything lives in the {@link DetectorState} passed in. Entry {@code i}, channel
 * {@code c}, dimension {@code d} is at {@code (i * channels + c) * embeddingDim + d} of {@link
 * DetectorState#memoryValues}, its scale at {@code i * channels + c} of {@link
 * DetectorState#memoryScales}.
 */
final class EmbeddingMemory {

    /** Windows between two sampled entries. */
    static final int STRIDE = 12;

    /** Entries beyond the sampled windows, for windows that alerted between two samples. */
    static final int ALERT_SLACK = 4;

    /** Period, in windows, that sizes the memory when the seasonal signal is off: a day of 5-minute data. */
    static final int DEFAULT_PERIOD = 288;

    /** Length stored for an entry whose times are unknown, such as one converted from version 3. */
    static final int UNKNOWN_LENGTH = -1;

    private EmbeddingMemory() {}

    /** Entries kept for a seasonal period of {@code period} windows, or of {@value #DEFAULT_PERIOD} when 0 or less. */
    static int capacity(int period) {
        int span = SeasonalMemory.DAYS * (period > 0 ? period : DEFAULT_PERIOD) + SeasonalMemory.TOLERANCE;
        return span / STRIDE + 2 + ALERT_SLACK;
    }

    /** Returns whether the window numbered {@code window} is sampled into the memory. */
    static boolean isSampled(long window) {
        return window % STRIDE == 0;
    }

    /**
     * Allocates an empty memory when the state has none or one of another capacity or layout, and then
     * also resets the seasonal distance's statistics, which belong to the old lag.
     */
    static void ensure(DetectorState state, int period) {
        int capacity = capacity(period);
        if (state.memoryScales != null
                && state.memoryScales.length == capacity * state.channels
                && state.memoryValues != null
                && state.memoryValues.length == capacity * state.channels * state.embeddingDim) {
            if (state.seasonMean == null) {
                // Converted from a version that ran without the seasonal signal.
                state.seasonMean = new double[state.channels];
                state.seasonVariance = new double[state.channels];
                state.seasonCount = 0;
            }
            return;
        }
        allocate(state, capacity);
        state.seasonMean = new double[state.channels];
        state.seasonVariance = new double[state.channels];
        state.seasonCount = 0;
    }

    /** Replaces the memory with an empty one of {@code capacity} entries. */
    static void allocate(DetectorState state, int capacity) {
        state.memoryValues = new byte[capacity * state.channels * state.embeddingDim];
        state.memoryScales = new float[capacity * state.channels];
        state.memoryWindows = new int[capacity];
        state.memoryEnds = new int[capacity];
        state.memoryLengths = new int[capacity];
        state.memoryAlerted = new boolean[capacity];
        state.memoryTimeBase = 0;
        state.memoryNext = 0;
        state.memoryFilled = 0;
    }

    /**
     * Fills a new memory from the seasonal memory of state of version 2 or 3, or, when it has none,
     * from its window history (see {@link DetectorState#upgrade}). Entries that do not fit are dropped,
     * oldest first.
     */
    static void convertVersion3(DetectorState state, int period) {
        allocate(state, capacity(period));
        int channels = state.channels;
        int dim = state.embeddingDim;
        if (channels < 1) {
            return;
        }
        if (state.seasonScales != null && state.seasonValues != null && state.seasonScales.length % channels == 0
                && state.seasonValues.length == state.seasonScales.length * dim) {
            int oldCapacity = state.seasonScales.length / channels;
            for (int age = Math.min(state.seasonFilled, oldCapacity); age >= 1; age--) {
                long window = state.windowsSeen - age;
                if (!isSampled(window)) {
                    continue;
                }
                int oldSlot = Math.floorMod(state.seasonNext - age, oldCapacity);
                byte[] values = new byte[channels * dim];
                float[] scales = new float[channels];
                for (int c = 0; c < channels; c++) {
                    int entry = c * oldCapacity + oldSlot;
                    scales[c] = state.seasonScales[entry];
                    System.arraycopy(state.seasonValues, entry * dim, values, c * dim, dim);
                }
                append(state, values, scales, (int) window, false, 0, 0, false);
            }
        } else if (state.historyStarts != null && state.historyEnds != null && state.historyAlerted != null
                && state.historyScales != null && state.historyValues != null
                && state.historyScales.length == state.historyStarts.length * channels
                && state.historyValues.length == state.historyScales.length * dim) {
            int oldCapacity = state.historyStarts.length;
            // No window numbers: an age of about -2^31 windows matches no seasonal lag.
            int unknownWindow = (int) state.windowsSeen + Integer.MIN_VALUE;
            for (int age = Math.min(state.historyFilled, oldCapacity); age >= 1; age--) {
                int oldSlot = Math.floorMod(state.historyNext - age, oldCapacity);
                byte[] values = Arrays.copyOfRange(
                        state.historyValues, oldSlot * channels * dim, (oldSlot + 1) * channels * dim);
                float[] scales = Arrays.copyOfRange(state.historyScales, oldSlot * channels, (oldSlot + 1) * channels);
                append(state, values, scales, unknownWindow, true, state.historyStarts[oldSlot],
                        state.historyEnds[oldSlot], state.historyAlerted[oldSlot]);
            }
        }
    }

    /** Capacity of the allocated memory, in entries; 0 before it is allocated. */
    static int capacity(DetectorState state) {
        return state.memoryAlerted == null ? 0 : state.memoryAlerted.length;
    }

    /** Returns the slot of the entry {@code age} entries back, 1 being the newest. */
    static int slot(DetectorState state, int age) {
        return Math.floorMod(state.memoryNext - age, capacity(state));
    }

    /**
     * Returns how many windows before window {@code window} the entry in {@code slot} was scored, or a
     * negative number when that is unknown. Window numbers are kept as their low 32 bits, so ages up to
     * 2^31 - 1 windows come out right.
     */
    static int windowAge(DetectorState state, int slot, long window) {
        return (int) window - state.memoryWindows[slot];
    }

    /** Returns whether the entry in {@code slot} has known times. */
    static boolean hasTimes(DetectorState state, int slot) {
        return state.memoryLengths[slot] != UNKNOWN_LENGTH;
    }

    /** Event time of the last point of the entry in {@code slot}, in epoch milliseconds. */
    static long windowEnd(DetectorState state, int slot) {
        return state.memoryTimeBase + state.memoryEnds[slot];
    }

    /** Event time of the first point of the entry in {@code slot}, in epoch milliseconds. */
    static long windowStart(DetectorState state, int slot) {
        return windowEnd(state, slot) - state.memoryLengths[slot];
    }

    /**
     * Records that window {@code window} alerted: marks its entry when the window was sampled, and
     * stores it as the newest entry otherwise.
     */
    static void storeAlerted(
            DetectorState state, float[] embeddings, long window, long windowStart, long windowEnd) {
        if (state.memoryFilled > 0) {
            int newest = slot(state, 1);
            if (windowAge(state, newest, window) == 0) {
                state.memoryAlerted[newest] = true;
                return;
            }
        }
        store(state, embeddings, window, windowStart, windowEnd, true);
    }

    /**
     * Stores {@code embeddings} (channel {@code c} at {@code c * embeddingDim}) of window number
     * {@code window}, from {@code windowStart} to {@code windowEnd} in epoch milliseconds, as the
     * newest entry, overwriting the oldest when the memory is full. The memory must be allocated.
     */
    static void store(
            DetectorState state, float[] embeddings, long window, long windowStart, long windowEnd, boolean alerted) {
        int dim = state.embeddingDim;
        byte[] values = new byte[state.channels * dim];
        float[] scales = new float[state.channels];
        for (int c = 0; c < state.channels; c++) {
            float max = 0;
            for (int d = 0; d < dim; d++) {
                max = Math.max(max, Math.abs(embeddings[c * dim + d]));
            }
            float scale = max > 0 ? max / Byte.MAX_VALUE : 1f;
            scales[c] = scale;
            for (int d = 0; d < dim; d++) {
                values[c * dim + d] = (byte) Math.round(embeddings[c * dim + d] / scale);
            }
        }
        append(state, values, scales, (int) window, true, windowStart, windowEnd, alerted);
    }

    /**
     * Appends an entry of embeddings already stored as 8-bit {@code values} (channel {@code c} at
     * {@code c * embeddingDim}) with one scale per channel, overwriting the oldest when the memory is
     * full. {@code window} is the low 32 bits of the window's number; the times count only when
     * {@code knownTimes}.
     */
    static void append(DetectorState state, byte[] values, float[] scales, int window, boolean knownTimes,
            long windowStart, long windowEnd, boolean alerted) {
        int slot = state.memoryNext;
        System.arraycopy(values, 0, state.memoryValues, slot * state.channels * state.embeddingDim, values.length);
        System.arraycopy(scales, 0, state.memoryScales, slot * state.channels, state.channels);
        state.memoryWindows[slot] = window;
        state.memoryAlerted[slot] = alerted;
        // The slot is overwritten, so its old times must not count when the time base moves.
        state.memoryLengths[slot] = UNKNOWN_LENGTH;
        if (knownTimes) {
            setTimes(state, slot, windowStart, windowEnd);
        }
        state.memoryNext = (slot + 1) % capacity(state);
        state.memoryFilled = Math.min(state.memoryFilled + 1, capacity(state));
    }

    /**
     * Sets the times of the entry in {@code slot}. When the end lies outside the int range of
     * milliseconds around the time base, the base moves to this end, and entries that then fall out
     * of range lose their times. So does an entry of a window longer than about 24.8 days.
     */
    private static void setTimes(DetectorState state, int slot, long windowStart, long windowEnd) {
        long length = windowEnd - windowStart;
        if (length < 0 || length > Integer.MAX_VALUE) {
            state.memoryLengths[slot] = UNKNOWN_LENGTH;
            return;
        }
        if (!fitsInt(windowEnd - state.memoryTimeBase) || !anyTimes(state)) {
            rebase(state, windowEnd);
        }
        state.memoryEnds[slot] = (int) (windowEnd - state.memoryTimeBase);
        state.memoryLengths[slot] = (int) length;
    }

    private static boolean anyTimes(DetectorState state) {
        for (int age = 1; age <= state.memoryFilled; age++) {
            if (hasTimes(state, slot(state, age))) {
                return true;
            }
        }
        return false;
    }

    /** Moves the time base to {@code base}, dropping the times of entries that no longer fit. */
    private static void rebase(DetectorState state, long base) {
        for (int age = 1; age <= state.memoryFilled; age++) {
            int slot = slot(state, age);
            if (!hasTimes(state, slot)) {
                continue;
            }
            long end = windowEnd(state, slot) - base;
            if (fitsInt(end)) {
                state.memoryEnds[slot] = (int) end;
            } else {
                state.memoryLengths[slot] = UNKNOWN_LENGTH;
            }
        }
        state.memoryTimeBase = base;
    }

    private static boolean fitsInt(long value) {
        return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
    }
}
