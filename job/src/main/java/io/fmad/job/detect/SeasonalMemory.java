package io.fmad.job.detect;

/**
 * Compares a window with the stored windows one and {@value #DAYS} seasonal periods earlier, read from
 * the key's {@link EmbeddingMemory}. The memory keeps every {@value EmbeddingMemory#STRIDE}-th window,
 * so a lag matches the stored windows within {@value #TOLERANCE} windows of it: the jitter of
 * {@value #JITTER} windows plus half a stride, which leaves at least one sampled window in reach of
 * each lag.
 *
 * <p>Stateless: everything lives in the {@link DetectorState} passed in.
 */
final class SeasonalMemory {

    /** Periods back that a window is compared with. */
    static final int DAYS = 2;

    /** Offset, in windows, that a compared window may have from exactly one or two periods back. */
    static final int JITTER = 3;

    /** Largest offset, in windows, between a matched stored window and one or two periods back. */
    static final int TOLERANCE = JITTER + EmbeddingMemory.STRIDE / 2;

    private SeasonalMemory() {}

    /**
     * Returns the smallest distance from channel {@code channel} of {@code embeddings}, the embeddings of
     * the key's window number {@link DetectorState#windowsSeen}, to the stored embeddings within
     * {@value #TOLERANCE} windows of one or {@value #DAYS} periods back, or NaN when none is stored.
     */
    static double nearestSeasonalDistance(DetectorState state, float[] embeddings, int channel, int period) {
        int dim = state.embeddingDim;
        double best = Double.POSITIVE_INFINITY;
        int capacity = EmbeddingMemory.capacity(state);
        // The slot of age 1, then one slot back per age: a floorMod per entry cost more than the distances.
        int slot = state.memoryFilled == 0 ? 0 : EmbeddingMemory.slot(state, 1);
        for (int age = 1; age <= state.memoryFilled; age++, slot = slot == 0 ? capacity - 1 : slot - 1) {
            int windowAge = EmbeddingMemory.windowAge(state, slot, state.windowsSeen);
            // Only sampled windows count, so the signal does not depend on which windows alerted.
            if (!matchesLag(windowAge, period) || !EmbeddingMemory.isSampled(state.windowsSeen - windowAge)) {
                continue;
            }
            int entry = slot * state.channels + channel;
            float scale = state.memoryScales[entry];
            double sum = 0;
            for (int d = 0; d < dim; d++) {
                double difference = embeddings[channel * dim + d] - scale * state.memoryValues[entry * dim + d];
                sum += difference * difference;
            }
            best = Math.min(best, Math.sqrt(sum));
        }
        return best == Double.POSITIVE_INFINITY ? Double.NaN : best;
    }

    /** Returns whether a window {@code windowAge} windows back lies within the tolerance of a lag. */
    private static boolean matchesLag(int windowAge, int period) {
        if (windowAge < 1) {
            return false;
        }
        for (int days = 1; days <= DAYS; days++) {
            if (Math.abs(windowAge - days * period) <= TOLERANCE) {
                return true;
            }
        }
        return false;
    }
}
