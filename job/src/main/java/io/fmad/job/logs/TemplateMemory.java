package io.fmad.job.logs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A key's remembered templates, each with its embedding stored as 8-bit values and one scale,
 * which keeps a 384-value embedding at 388 bytes. The rounding changes a cosine distance by less
 * than 0.01. When the memory is full, the template seen least recently makes room.
 *
 * <p>Stateless: everything lives in the {@link LogNoveltyState} passed in.
 */
final class TemplateMemory {

    /** Characters of a template kept in state, for explanations. */
    static final int MAX_STORED_TEMPLATE_CHARS = 200;

    /** Slots allocated for a new key. The arrays double when full, up to the capacity. */
    static final int INITIAL_SLOTS = 8;

    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private TemplateMemory() {}

    /** The nearest remembered template of an embedding. {@code index} is -1 for an empty memory. */
    record Nearest(int index, double distance) {}

    /** Returns the state of a key that has no lines yet. */
    static LogNoveltyState create(int capacity, int embeddingDim) {
        LogNoveltyState state = new LogNoveltyState();
        state.capacity = capacity;
        state.embeddingDim = embeddingDim;
        allocate(state, Math.min(capacity, INITIAL_SLOTS));
        return state;
    }

    /** Returns the number of slots allocated, at most the capacity. */
    static int allocatedSlots(LogNoveltyState state) {
        return state.templateHashes.length;
    }

    /** Replaces the per-slot arrays with arrays of {@code slots} slots that keep the used ones. */
    private static void allocate(LogNoveltyState state, int slots) {
        int used = state.size;
        int dim = state.embeddingDim;
        state.templateHashes = state.templateHashes == null ? new long[slots] : Arrays.copyOf(state.templateHashes, slots);
        state.lastSeen = state.lastSeen == null ? new long[slots] : Arrays.copyOf(state.lastSeen, slots);
        state.arrivalDistances = state.arrivalDistances == null ? new float[slots] : Arrays.copyOf(state.arrivalDistances, slots);
        state.scales = state.scales == null ? new float[slots] : Arrays.copyOf(state.scales, slots);
        state.embeddings = state.embeddings == null ? new byte[slots * dim] : Arrays.copyOf(state.embeddings, slots * dim);
        String[] templates = new String[slots];
        Arrays.fill(templates, "");
        if (state.templates != null) {
            System.arraycopy(state.templates, 0, templates, 0, used);
        }
        state.templates = templates;
    }

    /**
     * Returns a copy of {@code state} with room for {@code capacity} templates, keeping the ones seen
     * most recently. Counters and the alert time are kept.
     */
    static LogNoveltyState resize(LogNoveltyState state, int capacity) {
        LogNoveltyState resized = create(capacity, state.embeddingDim);
        allocate(resized, Math.min(capacity, Math.max(state.size, INITIAL_SLOTS)));
        resized.linesSeen = state.linesSeen;
        resized.recentLines = state.recentLines;
        resized.recentNewTemplates = state.recentNewTemplates;
        resized.lastAlertTime = state.lastAlertTime;

        int[] newestFirst =
                IntStream.range(0, state.size)
                        .boxed()
                        .sorted(Comparator.comparingLong((Integer slot) -> state.lastSeen[slot]).reversed())
                        .mapToInt(Integer::intValue)
                        .toArray();
        int kept = Math.min(capacity, newestFirst.length);
        int dim = state.embeddingDim;
        for (int target = 0; target < kept; target++) {
            int source = newestFirst[target];
            resized.templateHashes[target] = state.templateHashes[source];
            resized.templates[target] = state.templates[source];
            resized.lastSeen[target] = state.lastSeen[source];
            resized.arrivalDistances[target] = state.arrivalDistances[source];
            resized.scales[target] = state.scales[source];
            System.arraycopy(state.embeddings, source * dim, resized.embeddings, target * dim, dim);
        }
        resized.size = kept;
        return resized;
    }

    /** Returns a 64-bit FNV-1a hash of the template's UTF-8 bytes. */
    static long hash(String template) {
        long hash = FNV_OFFSET_BASIS;
        for (byte b : template.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return hash;
    }

    /** Returns the slot of the template with this hash, or -1 when it is not remembered. */
    static int find(LogNoveltyState state, long hash) {
        for (int slot = 0; slot < state.size; slot++) {
            if (state.templateHashes[slot] == hash) {
                return slot;
            }
        }
        return -1;
    }

    /** Marks the template in {@code slot} as seen by the current line. */
    static void touch(LogNoveltyState state, int slot) {
        state.lastSeen[slot] = state.linesSeen;
    }

    /**
     * Returns the remembered template nearest to {@code embedding} by cosine distance ({@code 1 -}
     * cosine similarity, from 0 for the same direction to 2 for the opposite one).
     *
     * @param embedding a unit-length embedding of {@code state.embeddingDim} values
     */
    static Nearest nearest(LogNoveltyState state, float[] embedding) {
        int dim = state.embeddingDim;
        int bestSlot = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int slot = 0; slot < state.size; slot++) {
            int offset = slot * dim;
            long squaredNorm = 0;
            double weighted = 0;
            for (int d = 0; d < dim; d++) {
                int value = state.embeddings[offset + d];
                squaredNorm += value * value;
                weighted += embedding[d] * value;
            }
            // The scale cancels out of the cosine, so the 8-bit values are used as they are.
            double distance = squaredNorm == 0 ? 1.0 : 1.0 - weighted / Math.sqrt(squaredNorm);
            if (distance < bestDistance) {
                bestDistance = distance;
                bestSlot = slot;
            }
        }
        return new Nearest(bestSlot, bestSlot < 0 ? Double.NaN : Math.max(0.0, bestDistance));
    }

    /**
     * Remembers a template that was not in memory, evicting the least recently seen one when the
     * memory is full.
     *
     * @param arrivalDistance the cosine distance to the nearest remembered template, NaN if none
     */
    static void insert(LogNoveltyState state, long hash, String template, float[] embedding, double arrivalDistance) {
        if (state.size == allocatedSlots(state) && state.size < state.capacity) {
            allocate(state, Math.min(state.capacity, 2 * state.size));
        }
        int slot = state.size < state.capacity ? state.size++ : leastRecentlySeen(state);
        int dim = state.embeddingDim;

        float max = 0;
        for (int d = 0; d < dim; d++) {
            max = Math.max(max, Math.abs(embedding[d]));
        }
        float scale = max > 0 ? max / Byte.MAX_VALUE : 1f;
        for (int d = 0; d < dim; d++) {
            state.embeddings[slot * dim + d] = (byte) Math.round(embedding[d] / scale);
        }
        state.scales[slot] = scale;
        state.templateHashes[slot] = hash;
        state.templates[slot] =
                template.length() > MAX_STORED_TEMPLATE_CHARS ? template.substring(0, MAX_STORED_TEMPLATE_CHARS) : template;
        state.lastSeen[slot] = state.linesSeen;
        state.arrivalDistances[slot] = (float) arrivalDistance;
    }

    /**
     * Returns the share of remembered templates that arrived at least {@code distance} from their
     * nearest neighbour, smoothed as {@code (count + 0.5) / (n + 1)} over the {@code n} templates
     * with an arrival distance, so it lies in (0, 1) and is 0.5 while there are none.
     */
    static double arrivalTail(LogNoveltyState state, double distance) {
        int counted = 0;
        int atLeast = 0;
        for (int slot = 0; slot < state.size; slot++) {
            float arrival = state.arrivalDistances[slot];
            if (!Float.isNaN(arrival)) {
                counted++;
                if (arrival >= distance) {
                    atLeast++;
                }
            }
        }
        return (atLeast + 0.5) / (counted + 1.0);
    }

    /** Returns the mean and standard deviation of the arrival distances, zeros if there are none. */
    static double[] arrivalMeanAndStddev(LogNoveltyState state) {
        int counted = 0;
        double sum = 0;
        double sumOfSquares = 0;
        for (int slot = 0; slot < state.size; slot++) {
            float arrival = state.arrivalDistances[slot];
            if (!Float.isNaN(arrival)) {
                counted++;
                sum += arrival;
                sumOfSquares += (double) arrival * arrival;
            }
        }
        if (counted == 0) {
            return new double[] {0.0, 0.0};
        }
        double mean = sum / counted;
        return new double[] {mean, Math.sqrt(Math.max(0.0, sumOfSquares / counted - mean * mean))};
    }

    private static int leastRecentlySeen(LogNoveltyState state) {
        int oldest = 0;
        for (int slot = 1; slot < state.size; slot++) {
            if (state.lastSeen[slot] < state.lastSeen[oldest]) {
                oldest = slot;
            }
        }
        return oldest;
    }
}
