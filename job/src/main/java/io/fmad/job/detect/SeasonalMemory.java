package io.fmad.job.detect;

/**
 * A key's embeddings of the last {@value #DAYS} seasonal periods, one per window, stored as 8-bit
 * values with one scale per entry, so that a window can be compared with the windows one and two
 * periods earlier. For a period of 288 windows and 16-dimensional embeddings this is about 11.6 KB
 * per channel. Storing only every second or third window, tried to save state, cost 3 points of
 * NAB score; the 8-bit storage cost none.
 *
 * <p>Entries form a ring in window order, so the entry of the window {@code age} windows back is
 * found by position, without stored window numbers. Stateless: everything lives in the {@link
 * DetectorState} passed in.
 */
final class SeasonalMemory {

    /** Periods back that a window is compared with. */
    static final int DAYS = 2;

    /** Largest offset, in windows, between a compared window and exactly one or two periods back. */
    static final int JITTER = 3;

    private SeasonalMemory() {}

    /** Entries needed to reach {@value #DAYS} periods back, jitter included. */
    static int capacity(int period) {
        return DAYS * period + JITTER + 1;
    }

    /** Allocates or resets the memory when the period or the state layout changed. */
    static void ensure(DetectorState state, int period) {
        int capacity = capacity(period);
        if (state.seasonScales == null || state.seasonScales.length != state.channels * capacity) {
            state.seasonValues = new byte[state.channels * capacity * state.embeddingDim];
            state.seasonScales = new float[state.channels * capacity];
            state.seasonNext = 0;
            state.seasonFilled = 0;
            state.seasonMean = new double[state.channels];
            state.seasonVariance = new double[state.channels];
            state.seasonCount = 0;
        }
    }

    /**
     * Returns the smallest distance from channel {@code channel} of {@code embeddings} to the stored
     * embeddings within {@value #JITTER} windows of one or {@value #DAYS} periods back, or NaN when
     * none is stored yet.
     */
    static double nearestSeasonalDistance(DetectorState state, float[] embeddings, int channel, int period) {
        int capacity = capacity(period);
        int dim = state.embeddingDim;
        double best = Double.POSITIVE_INFINITY;
        for (int days = 1; days <= DAYS; days++) {
            for (int offset = -JITTER; offset <= JITTER; offset++) {
                int age = days * period + offset;
                if (age < 1 || age > state.seasonFilled) {
                    continue;
                }
                int entry = channel * capacity + Math.floorMod(state.seasonNext - age, capacity);
                float scale = state.seasonScales[entry];
                double sum = 0;
                for (int d = 0; d < dim; d++) {
                    double difference = embeddings[channel * dim + d] - scale * state.seasonValues[entry * dim + d];
                    sum += difference * difference;
                }
                best = Math.min(best, Math.sqrt(sum));
            }
        }
        return best == Double.POSITIVE_INFINITY ? Double.NaN : best;
    }

    /** Stores every channel of {@code embeddings} as the newest entry. */
    static void store(DetectorState state, float[] embeddings, int period) {
        int capacity = capacity(period);
        int dim = state.embeddingDim;
        int slot = state.seasonNext;
        for (int c = 0; c < state.channels; c++) {
            float max = 0;
            for (int d = 0; d < dim; d++) {
                max = Math.max(max, Math.abs(embeddings[c * dim + d]));
            }
            float scale = max > 0 ? max / Byte.MAX_VALUE : 1f;
            int entry = c * capacity + slot;
            state.seasonScales[entry] = scale;
            for (int d = 0; d < dim; d++) {
                state.seasonValues[entry * dim + d] = (byte) Math.round(embeddings[c * dim + d] / scale);
            }
        }
        state.seasonNext = (slot + 1) % capacity;
        state.seasonFilled = Math.min(state.seasonFilled + 1, capacity);
    }
}
