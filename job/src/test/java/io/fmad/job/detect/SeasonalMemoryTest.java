package io.fmad.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SeasonalMemoryTest {

    /** Long enough that one period back and two periods back lie apart beyond the tolerance. */
    private static final int PERIOD = 64;
    private static final int DIM = 4;

    private static DetectorState state() {
        DetectorState state = DetectorState.create(1, DIM, 64, 64);
        EmbeddingMemory.ensure(state, PERIOD);
        return state;
    }

    /** Scores no window but stores it as the scorer does: its embedding is {@code value} in every dimension. */
    private static void store(DetectorState state, float value) {
        if (EmbeddingMemory.isSampled(state.windowsSeen)) {
            EmbeddingMemory.store(state, new float[] {value, value, value, value}, state.windowsSeen, 0, 0, false);
        }
        state.windowsSeen++;
    }

    @Test
    void distance_nanBeforeOnePeriod() {
        DetectorState state = state();
        for (int i = 0; i < PERIOD - SeasonalMemory.TOLERANCE - EmbeddingMemory.STRIDE; i++) {
            store(state, i);
        }

        assertThat(SeasonalMemory.nearestSeasonalDistance(state, new float[DIM], 0, PERIOD)).isNaN();
    }

    @Test
    void distance_findsSampledWindowNearOnePeriodBack() {
        DetectorState state = state();
        for (int i = 0; i < 2 * PERIOD + 8; i++) {
            store(state, i);
        }
        // The next window is number 136; one period back is window 72, a sampled window, and two
        // periods back is window 8, so the sampled windows 0 and 12 are in reach.
        float[] likeWindow72 = {72f, 72f, 72f, 72f};

        double distance = SeasonalMemory.nearestSeasonalDistance(state, likeWindow72, 0, PERIOD);

        assertThat(distance).as("8-bit storage keeps the value within 1%").isCloseTo(0.0, within(1.5));
    }

    @Test
    void distance_ignoresWindowsOutsideTolerance() {
        DetectorState state = state();
        for (int i = 0; i < 2 * PERIOD + 8; i++) {
            store(state, i);
        }
        // Window 112 is 24 windows back from window 136, outside one period +- 9.
        float[] likeWindow112 = {112f, 112f, 112f, 112f};

        double distance = SeasonalMemory.nearestSeasonalDistance(state, likeWindow112, 0, PERIOD);

        assertThat(distance).as("nearest allowed is window 72, 40 per dimension away").isCloseTo(80.0, within(1.5));
    }

    @Test
    void memory_keepsOnlyTwoPeriodsOfSamples() {
        DetectorState state = state();
        for (int i = 0; i < 20 * PERIOD; i++) {
            store(state, i);
        }

        assertThat(state.memoryFilled).isEqualTo(EmbeddingMemory.capacity(PERIOD));
        assertThat(state.memoryScales).hasSize(EmbeddingMemory.capacity(PERIOD));
        assertThat(EmbeddingMemory.capacity(PERIOD) * EmbeddingMemory.STRIDE)
                .as("the samples reach two periods back, tolerance included")
                .isGreaterThanOrEqualTo(2 * PERIOD + SeasonalMemory.TOLERANCE);
    }

    @Test
    void everyLag_findsSampledWindow() {
        DetectorState state = state();
        for (int i = 0; i < 6 * PERIOD; i++) {
            assertThat(i < PERIOD - SeasonalMemory.TOLERANCE
                            || !Double.isNaN(SeasonalMemory.nearestSeasonalDistance(state, new float[DIM], 0, PERIOD)))
                    .as("window %d finds a stored window one period back", i)
                    .isTrue();
            store(state, i);
        }
    }
}
