package io.fmad.job.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A key's bounded history of past window embeddings, searched for the windows most like an alerted
 * one.
 *
 * <p>A window enters the history when it is every {@value #STRIDE}-th window of its key or when
 * it raised an alert, so that a match can also report whether that past window alerted. The
 * history is a ring of {@value #CAPACITY} entries: for 5-minute data and a slide of one point, one
 * entry per hour, it spans 7 days, less one stride for each alert in that time.
 *
 * <p>Each entry stores every channel's embedding as 8-bit values with one scale per channel (as
 * {@link SeasonalMemory} does), the window's start and end times and whether it alerted. An entry
 * takes {@code channels * (embeddingDim + 4) + 17} bytes: 37 bytes for one channel of a
 * 16-dimensional embedding, so the full history is 6,216 bytes per key. The five arrays add their
 * headers on the heap (an estimated 80 bytes) and their lengths in a checkpoint.
 *
 * <p>NOTE: entries do not record the model version. A new model version with the same embedding
 * size is compared with windows that the previous version embedded until the ring turns over.
 *
 * <p>Stateless: everything lives in the {@link DetectorState} passed in. Entry {@code i}, channel
 * {@code c}, dimension {@code d} is at {@code (i * channels + c) * embeddingDim + d} of {@link
 * DetectorState#historyValues}.
 */
final class WindowHistory {

    /** Windows between two sampled entries. */
    static final int STRIDE = 12;

    /** Entries kept per key; the oldest is overwritten first. */
    static final int CAPACITY = 168;

    /** Past windows reported with an alert. */
    static final int TOP_K = 3;

    private WindowHistory() {}

    /**
     * A past window and its cosine similarity to the window searched for.
     *
     * @param windowStart event time of the past window's first point, in epoch milliseconds
     * @param windowEnd event time of the past window's last point, in epoch milliseconds
     * @param similarity cosine similarity of the two embeddings, all channels concatenated, in [-1, 1]
     * @param alerted whether the past window raised an alert
     */
    record Match(long windowStart, long windowEnd, double similarity, boolean alerted) {}

    /** Most similar first; among equal similarities, the most recent first. */
    static final Comparator<Match> MOST_SIMILAR_FIRST =
            Comparator.comparingDouble(Match::similarity)
                    .reversed()
                    .thenComparing(Comparator.comparingLong(Match::windowEnd).reversed());

    /**
     * Allocates an empty history when the state has none or one of another layout, as state restored
     * from version 2 has.
     */
    static void ensure(DetectorState state) {
        int values = CAPACITY * state.channels * state.embeddingDim;
        if (state.historyValues == null
                || state.historyValues.length != values
                || state.historyScales == null
                || state.historyScales.length != CAPACITY * state.channels) {
            state.historyValues = new byte[values];
            state.historyScales = new float[CAPACITY * state.channels];
            state.historyStarts = new long[CAPACITY];
            state.historyEnds = new long[CAPACITY];
            state.historyAlerted = new boolean[CAPACITY];
            state.historyNext = 0;
            state.historyFilled = 0;
        }
    }

    /**
     * Returns whether the window just scored enters the history: every {@value #STRIDE}-th window of
     * the key, counted by {@link DetectorState#windowsSeen} after the window, and every window that
     * alerted.
     */
    static boolean shouldStore(DetectorState state, boolean alerted) {
        return alerted || state.windowsSeen % STRIDE == 0;
    }

    /**
     * Stores {@code embeddings} (channel {@code c} at {@code c * embeddingDim}) of the window from
     * {@code windowStart} to {@code windowEnd} as the newest entry, overwriting the oldest when the
     * history is full.
     */
    static void store(DetectorState state, float[] embeddings, long windowStart, long windowEnd, boolean alerted) {
        ensure(state);
        int dim = state.embeddingDim;
        int slot = state.historyNext;
        for (int c = 0; c < state.channels; c++) {
            int entry = slot * state.channels + c;
            float max = 0;
            for (int d = 0; d < dim; d++) {
                max = Math.max(max, Math.abs(embeddings[c * dim + d]));
            }
            float scale = max > 0 ? max / Byte.MAX_VALUE : 1f;
            state.historyScales[entry] = scale;
            for (int d = 0; d < dim; d++) {
                state.historyValues[entry * dim + d] = (byte) Math.round(embeddings[c * dim + d] / scale);
            }
        }
        state.historyStarts[slot] = windowStart;
        state.historyEnds[slot] = windowEnd;
        state.historyAlerted[slot] = alerted;
        state.historyNext = (slot + 1) % CAPACITY;
        state.historyFilled = Math.min(state.historyFilled + 1, CAPACITY);
    }

    /**
     * Returns up to {@code k} stored windows most similar to {@code embeddings}, by {@link
     * #MOST_SIMILAR_FIRST}. Windows that overlap [{@code windowStart}, {@code windowEnd}] are left out,
     * because with a slide shorter than the window they share points with it. So is any entry whose
     * similarity is undefined, when either embedding is all zeros. Returns an empty list when the
     * history is empty or not allocated.
     */
    static List<Match> mostSimilar(
            DetectorState state, float[] embeddings, long windowStart, long windowEnd, int k) {
        if (state.historyFilled == 0 || state.historyValues == null || k <= 0) {
            return List.of();
        }
        int dim = state.embeddingDim;
        int channels = state.channels;
        double queryNorm = 0;
        for (int i = 0; i < channels * dim; i++) {
            queryNorm += (double) embeddings[i] * embeddings[i];
        }
        queryNorm = Math.sqrt(queryNorm);
        if (!(queryNorm > 0) || Double.isInfinite(queryNorm)) {
            return List.of();
        }

        List<Match> matches = new ArrayList<>(state.historyFilled);
        for (int age = 1; age <= state.historyFilled; age++) {
            int slot = Math.floorMod(state.historyNext - age, CAPACITY);
            long start = state.historyStarts[slot];
            long end = state.historyEnds[slot];
            if (start <= windowEnd && end >= windowStart) {
                continue;
            }
            double similarity = cosine(state, slot, embeddings, queryNorm);
            if (!Double.isNaN(similarity)) {
                matches.add(new Match(start, end, similarity, state.historyAlerted[slot]));
            }
        }
        matches.sort(MOST_SIMILAR_FIRST);
        return List.copyOf(matches.subList(0, Math.min(k, matches.size())));
    }

    /**
     * Returns the cosine similarity of {@code query}, whose norm is {@code queryNorm}, and the entry
     * in {@code slot}, clamped to [-1, 1] against rounding, or NaN when the entry is all zeros.
     */
    private static double cosine(DetectorState state, int slot, float[] query, double queryNorm) {
        int dim = state.embeddingDim;
        double dot = 0;
        double storedNorm = 0;
        for (int c = 0; c < state.channels; c++) {
            int entry = slot * state.channels + c;
            double scale = state.historyScales[entry];
            double channelDot = 0;
            double channelNorm = 0;
            for (int d = 0; d < dim; d++) {
                double stored = state.historyValues[entry * dim + d];
                channelDot += query[c * dim + d] * stored;
                channelNorm += stored * stored;
            }
            dot += scale * channelDot;
            storedNorm += scale * scale * channelNorm;
        }
        if (!(storedNorm > 0)) {
            return Double.NaN;
        }
        return Math.max(-1.0, Math.min(1.0, dot / (queryNorm * Math.sqrt(storedNorm))));
    }
}
