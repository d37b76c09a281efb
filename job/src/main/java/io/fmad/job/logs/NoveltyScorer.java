package io.fmad.job.logs;

import io.fmad.avro.LogLevel;

/**
 * Scores a line whose template is new to its key, as one minus an estimate of the probability
 * that a line of this key is at least this novel:
 *
 * <pre>
 * p = rate * tail / weight,   score = 1 - min(p, 1)
 * </pre>
 *
 * <ul>
 *   <li>{@code rate}: the share of the key's recent lines whose template was new, {@code
 *       (newTemplates + 0.5) / (lines + 1)} over exponentially decayed counts with a span of
 *       {@value #RATE_SPAN_LINES} lines. A key that has not logged a new template for a long time has
 *       a small rate, so a new one is surprising there and ordinary on a key whose messages vary.
 *   <li>{@code tail}: the share of the key's remembered templates that arrived at least as far
 *       from their nearest neighbour as this line's template is from its nearest ({@link
 *       TemplateMemory#arrivalTail}). A new variant of a known message lies close to it and keeps
 *       the tail near 1. A message unlike anything the key logged takes it towards 0.
 *   <li>{@code weight}: {@code logs.error-weight} for ERROR and FATAL lines, 1 otherwise.
 * </ul>
 *
 * <p>The same score means the same probability on every key, so one threshold fits all keys.
 * Known templates are not scored: they cannot alert. Stateless.
 */
final class NoveltyScorer {

    /** Span, in lines, of the decayed counts behind the rate of new templates. */
    static final int RATE_SPAN_LINES = 10_000;

    private static final double DECAY = 1.0 - 1.0 / RATE_SPAN_LINES;

    private NoveltyScorer() {}

    /**
     * The parts of a new template's score.
     *
     * @param distance cosine distance to the nearest remembered template, NaN for an empty memory
     * @param nearestSlot memory slot of that template, -1 for an empty memory
     * @param newTemplateRate share of the key's recent lines with a new template
     * @param distanceTail share of remembered templates that arrived at least as far out
     * @param levelWeight how many times rarer the line counts for its level
     */
    record Novelty(
            double distance, int nearestSlot, double newTemplateRate, double distanceTail, double levelWeight) {

        /** Estimated probability that a line of the key is at least this novel, in (0, 1]. */
        double probability() {
            return Math.min(1.0, newTemplateRate * distanceTail / levelWeight);
        }

        /** Returns the anomaly score, in [0, 1). */
        double score() {
            return 1.0 - probability();
        }
    }

    /** Scores a new template, before the line is counted and its template remembered. */
    static Novelty score(LogNoveltyState state, TemplateMemory.Nearest nearest, LogLevel level, double errorWeight) {
        double tail = nearest.index() < 0 ? 1.0 : TemplateMemory.arrivalTail(state, nearest.distance());
        double weight = level == LogLevel.ERROR || level == LogLevel.FATAL ? errorWeight : 1.0;
        return new Novelty(nearest.distance(), nearest.index(), newTemplateRate(state), tail, weight);
    }

    /** Returns the share of the key's recent lines whose template was new, in (0, 1]. */
    static double newTemplateRate(LogNoveltyState state) {
        return (state.recentNewTemplates + 0.5) / (state.recentLines + 1.0);
    }

    /** Counts one line into the decayed counts. */
    static void countLine(LogNoveltyState state, boolean newTemplate) {
        state.recentLines = state.recentLines * DECAY + 1.0;
        state.recentNewTemplates = state.recentNewTemplates * DECAY + (newTemplate ? 1.0 : 0.0);
    }
}
