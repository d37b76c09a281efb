package io.fmad.job.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Searches a key's {@link EmbeddingMemory} for the past windows most like an alerted one. The memory
 * samples every {@value EmbeddingMemory#STRIDE}-th window and keeps every window that alerted, so a
 * match can also report whether that past window alerted. For 5-minute data and a slide of one point
 * it reaches back about two days. Entries without times, converted from state of version 3, are
 * never reported.
 *
 * <p>Stateless: everything lives in the {@link DetectorState} passed in.
 */
final class WindowHistory {

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
     * Returns up to {@code k} stored windows most similar to {@code embeddings}, by {@link
     * #MOST_SIMILAR_FIRST}. Windows that overlap [{@code windowStart}, {@code windowEnd}] are left out,
     * because with a slide shorter than the window they share points with it. So is any entry whose
     * similarity is undefined, when either embedding is all zeros. Returns an empty list when the
     * memory is empty or not allocated.
     */
    static List<Match> mostSimilar(
            DetectorState state, float[] embeddings, long windowStart, long windowEnd, int k) {
        if (state.memoryFilled == 0 || state.memoryValues == null || k <= 0) {
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

        List<Match> matches = new ArrayList<>(state.memoryFilled);
        for (int age = 1; age <= state.memoryFilled; age++) {
            int slot = EmbeddingMemory.slot(state, age);
            if (!EmbeddingMemory.hasTimes(state, slot)) {
                continue;
            }
            long start = EmbeddingMemory.windowStart(state, slot);
            long end = EmbeddingMemory.windowEnd(state, slot);
            if (start <= windowEnd && end >= windowStart) {
                continue;
            }
            double similarity = cosine(state, slot, embeddings, queryNorm);
            if (!Double.isNaN(similarity)) {
                matches.add(new Match(start, end, similarity, state.memoryAlerted[slot]));
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
            double scale = state.memoryScales[entry];
            double channelDot = 0;
            double channelNorm = 0;
            for (int d = 0; d < dim; d++) {
                double stored = state.memoryValues[entry * dim + d];
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
