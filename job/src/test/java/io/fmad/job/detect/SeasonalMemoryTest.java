package io.fmad.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SeasonalMemoryTest {

    private static final int PERIOD = 10;
    private static final int DIM = 4;

    private static DetectorState state() {
        DetectorState state = DetectorState.create(1, DIM, 64, 64);
        SeasonalMemory.ensure(state, PERIOD);
        return state;
    }

    /** Stores one window whose embedding is {@code value} in every dimension. */
    private static void store(DetectorState state, float value) {
        SeasonalMemory.store(state, new float[] {value, value, value, value}, PERIOD);
        state.windowsSeen++;
    }

    @Test
    void distance_nanBeforeOnePeriod() {
        DetectorState state = state();
        for (int i = 0; i < PERIOD - SeasonalMemory.JITTER - 1; i++) {
            store(state, i);
        }

        assertThat(SeasonalMemory.nearestSeasonalDistance(state, new float[DIM], 0, PERIOD)).isNaN();
    }

    @Test
    void distance_findsWindowOnePeriodBack() {
        DetectorState state = state();
        for (int i = 0; i < 2 * PERIOD; i++) {
            store(state, i);
        }
        // The next window is number 20; one period back is window 10, two periods back window 0.
        float[] likeWindowTen = {10f, 10f, 10f, 10f};

        double distance = SeasonalMemory.nearestSeasonalDistance(state, likeWindowTen, 0, PERIOD);

        assertThat(distance).as("8-bit storage keeps the value within 1%").isCloseTo(0.0, within(0.2));
    }

    @Test
    void distance_ignoresWindowsOutsideJitter() {
        DetectorState state = state();
        for (int i = 0; i < 2 * PERIOD; i++) {
            store(state, i);
        }
        // Window 15 is 5 windows back from window 20, outside one period +- 3.
        float[] likeWindowFifteen = {15f, 15f, 15f, 15f};

        double distance = SeasonalMemory.nearestSeasonalDistance(state, likeWindowFifteen, 0, PERIOD);

        assertThat(distance).as("nearest allowed is window 13 or 17, 2 per dimension away").isCloseTo(4.0, within(0.2));
    }

    @Test
    void ring_keepsOnlyTwoPeriods() {
        DetectorState state = state();
        for (int i = 0; i < 10 * PERIOD; i++) {
            store(state, i);
        }

        assertThat(state.seasonFilled).isEqualTo(SeasonalMemory.capacity(PERIOD));
        assertThat(state.seasonScales).hasSize(SeasonalMemory.capacity(PERIOD));
    }
}
