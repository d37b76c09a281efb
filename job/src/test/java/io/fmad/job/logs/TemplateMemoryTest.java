package io.fmad.job.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import java.util.Random;

class TemplateMemoryTest {

    private static final int DIM = 384;

    private final Random random = new Random(11);

    @Test
    void nearest_emptyMemoryHasNoNeighbour() {
        LogNoveltyState state = TemplateMemory.create(4, DIM);

        TemplateMemory.Nearest nearest = TemplateMemory.nearest(state, unitVector());

        assertThat(nearest.index()).isEqualTo(-1);
        assertThat(nearest.distance()).isNaN();
    }

    @Test
    void nearest_quantizationErrorBelowOneHundredth() {
        LogNoveltyState state = TemplateMemory.create(64, DIM);
        float[][] stored = new float[64][];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = unitVector();
            TemplateMemory.insert(state, i, "t" + i, stored[i], Double.NaN);
        }

        for (int trial = 0; trial < 200; trial++) {
            // Mixes a stored vector with noise, so distances span the whole useful range.
            float[] query = mix(stored[trial % stored.length], unitVector(), trial / 200.0);
            double exact = Double.POSITIVE_INFINITY;
            for (float[] vector : stored) {
                exact = Math.min(exact, 1.0 - dot(query, vector));
            }

            assertThat(TemplateMemory.nearest(state, query).distance()).isCloseTo(exact, within(0.01));
        }
    }

    @Test
    void find_matchesHashOnly() {
        LogNoveltyState state = TemplateMemory.create(4, DIM);
        TemplateMemory.insert(state, TemplateMemory.hash("a"), "a", unitVector(), Double.NaN);

        assertThat(TemplateMemory.find(state, TemplateMemory.hash("a"))).isZero();
        assertThat(TemplateMemory.find(state, TemplateMemory.hash("b"))).isEqualTo(-1);
    }

    @Test
    void hash_isStableAcrossRuns() {
        // FNV-1a 64 of "a", as published with the algorithm.
        assertThat(TemplateMemory.hash("a")).isEqualTo(0xaf63dc4c8601ec8cL);
        assertThat(TemplateMemory.hash("")).isEqualTo(0xcbf29ce484222325L);
    }

    @Test
    void insert_fullMemoryReplacesLeastRecentlySeen() {
        LogNoveltyState state = TemplateMemory.create(2, DIM);
        insertAt(state, 0, "first");
        insertAt(state, 1, "second");
        state.linesSeen = 2;
        TemplateMemory.touch(state, TemplateMemory.find(state, TemplateMemory.hash("first")));

        insertAt(state, 3, "third");

        assertThat(state.size).isEqualTo(2);
        assertThat(TemplateMemory.find(state, TemplateMemory.hash("second"))).isEqualTo(-1);
        assertThat(TemplateMemory.find(state, TemplateMemory.hash("first"))).isNotNegative();
        assertThat(TemplateMemory.find(state, TemplateMemory.hash("third"))).isNotNegative();
    }

    @Test
    void insert_growsArraysUpToCapacity() {
        LogNoveltyState state = TemplateMemory.create(20, DIM);
        assertThat(TemplateMemory.allocatedSlots(state)).isEqualTo(TemplateMemory.INITIAL_SLOTS);

        for (int i = 0; i < 25; i++) {
            insertAt(state, i, "template " + i);
        }

        assertThat(TemplateMemory.allocatedSlots(state)).isEqualTo(20);
        assertThat(state.size).isEqualTo(20);
        assertThat(state.embeddings).hasSize(20 * DIM);
        for (int i = 5; i < 25; i++) {
            int slot = TemplateMemory.find(state, TemplateMemory.hash("template " + i));
            assertThat(slot).as("template %d", i).isNotNegative();
            assertThat(state.templates[slot]).isEqualTo("template " + i);
        }
    }

    @Test
    void insert_cutsStoredTemplate() {
        LogNoveltyState state = TemplateMemory.create(2, DIM);
        String template = "x".repeat(TemplateMemory.MAX_STORED_TEMPLATE_CHARS + 50);

        TemplateMemory.insert(state, 1L, template, unitVector(), 0.5);

        assertThat(state.templates[0]).hasSize(TemplateMemory.MAX_STORED_TEMPLATE_CHARS);
    }

    @Test
    void resize_keepsMostRecentAndCounters() {
        LogNoveltyState state = TemplateMemory.create(3, DIM);
        insertAt(state, 5, "old");
        insertAt(state, 7, "newer");
        insertAt(state, 9, "newest");
        state.linesSeen = 10;
        state.recentLines = 9.5;
        state.recentNewTemplates = 3.0;
        state.lastAlertTime = 1234L;

        LogNoveltyState resized = TemplateMemory.resize(state, 2);

        assertThat(resized.capacity).isEqualTo(2);
        assertThat(resized.size).isEqualTo(2);
        assertThat(resized.templates).containsExactly("newest", "newer");
        assertThat(resized.linesSeen).isEqualTo(10);
        assertThat(resized.recentLines).isEqualTo(9.5);
        assertThat(resized.recentNewTemplates).isEqualTo(3.0);
        assertThat(resized.lastAlertTime).isEqualTo(1234L);
    }

    @Test
    void arrivalTail_smoothedShareOfFartherArrivals() {
        LogNoveltyState state = TemplateMemory.create(8, DIM);
        TemplateMemory.insert(state, 1, "a", unitVector(), Double.NaN);
        TemplateMemory.insert(state, 2, "b", unitVector(), 0.2);
        TemplateMemory.insert(state, 3, "c", unitVector(), 0.5);
        TemplateMemory.insert(state, 4, "d", unitVector(), 0.8);

        assertThat(TemplateMemory.arrivalTail(state, 0.1)).isEqualTo(3.5 / 4);
        assertThat(TemplateMemory.arrivalTail(state, 0.5)).isEqualTo(2.5 / 4);
        assertThat(TemplateMemory.arrivalTail(state, 0.9)).isEqualTo(0.5 / 4);
        assertThat(TemplateMemory.arrivalMeanAndStddev(state)[0]).isCloseTo(0.5, within(1e-6));
        assertThat(TemplateMemory.arrivalMeanAndStddev(state)[1]).isCloseTo(Math.sqrt(0.06), within(1e-6));
    }

    private void insertAt(LogNoveltyState state, long line, String template) {
        state.linesSeen = line;
        TemplateMemory.insert(state, TemplateMemory.hash(template), template, unitVector(), 0.5);
    }

    private float[] unitVector() {
        float[] vector = new float[DIM];
        double norm = 0;
        for (int d = 0; d < DIM; d++) {
            // Mostly positive values, like sentence embeddings, whose cosines are mostly positive.
            vector[d] = (float) (random.nextGaussian() + 0.3);
            norm += vector[d] * vector[d];
        }
        for (int d = 0; d < DIM; d++) {
            vector[d] /= (float) Math.sqrt(norm);
        }
        return vector;
    }

    private static float[] mix(float[] a, float[] b, double weightOfB) {
        float[] mixed = new float[a.length];
        double norm = 0;
        for (int d = 0; d < a.length; d++) {
            mixed[d] = (float) ((1 - weightOfB) * a[d] + weightOfB * b[d]);
            norm += mixed[d] * mixed[d];
        }
        for (int d = 0; d < a.length; d++) {
            mixed[d] /= (float) Math.sqrt(norm);
        }
        return mixed;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int d = 0; d < a.length; d++) {
            sum += a[d] * b[d];
        }
        return sum;
    }
}
