package io.fmad.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import java.util.List;

class WindowHistoryTest {

    private static final int DIM = 4;

    /** Window times in milliseconds: window {@code n} spans [n * 1000, n * 1000 + 999]. */
    private static final long WINDOW_MILLIS = 1000;

    private static DetectorState state(int channels) {
        DetectorState state = DetectorState.create(channels, DIM, 64, 64);
        EmbeddingMemory.ensure(state, 0);
        return state;
    }

    private static void store(DetectorState state, long window, float[] embedding) {
        store(state, window, embedding, false);
    }

    private static void store(DetectorState state, long window, float[] embedding, boolean alerted) {
        EmbeddingMemory.store(
                state, embedding, window, window * WINDOW_MILLIS, window * WINDOW_MILLIS + WINDOW_MILLIS - 1, alerted);
    }

    /** Searches for the window {@code window} with {@code embedding}. */
    private static List<WindowHistory.Match> search(DetectorState state, long window, float[] embedding) {
        return WindowHistory.mostSimilar(
                state, embedding, window * WINDOW_MILLIS, window * WINDOW_MILLIS + WINDOW_MILLIS - 1, WindowHistory.TOP_K);
    }

    @Test
    void mostSimilar_emptyHistoryFindsNothing() {
        DetectorState state = DetectorState.create(1, DIM, 64, 64);

        assertThat(search(state, 10, new float[] {1, 0, 0, 0})).as("memory never allocated").isEmpty();

        EmbeddingMemory.ensure(state, 0);
        assertThat(search(state, 10, new float[] {1, 0, 0, 0})).as("memory allocated, no entry").isEmpty();
    }

    @Test
    void mostSimilar_ranksByCosineSimilarity() {
        DetectorState state = state(1);
        store(state, 1, new float[] {0, 1, 0, 0});
        store(state, 2, new float[] {2, 0, 0, 0});
        store(state, 3, new float[] {1, 1, 0, 0});
        store(state, 4, new float[] {-1, 0, 0, 0});
        store(state, 5, new float[] {1, 0.2f, 0, 0});

        List<WindowHistory.Match> matches = search(state, 10, new float[] {1, 0, 0, 0});

        assertThat(matches).extracting(WindowHistory.Match::windowStart).containsExactly(2000L, 5000L, 3000L);
        assertThat(matches.get(0).similarity()).as("same direction, twice as long").isCloseTo(1.0, within(1e-6));
        assertThat(matches.get(1).similarity()).isCloseTo(1 / Math.sqrt(1.04), within(0.01));
        assertThat(matches.get(2).similarity()).isCloseTo(Math.sqrt(0.5), within(0.01));
        assertThat(matches.get(0).windowEnd()).isEqualTo(2999L);
    }

    @Test
    void mostSimilar_excludesOverlappingWindows() {
        DetectorState state = state(1);
        float[] embedding = {1, 2, 3, 4};
        for (long window = 1; window <= 6; window++) {
            store(state, window, embedding);
        }
        // Searched window spans [4500, 5499]: it overlaps the stored windows 4 and 5.

        List<WindowHistory.Match> matches =
                WindowHistory.mostSimilar(state, embedding, 4500, 5499, WindowHistory.TOP_K);

        assertThat(matches).extracting(WindowHistory.Match::windowStart).containsExactly(6000L, 3000L, 2000L);
    }

    @Test
    void mostSimilar_excludesWindowsTouchingEitherEnd() {
        DetectorState state = state(1);
        float[] embedding = {1, 2, 3, 4};
        EmbeddingMemory.store(state, embedding, 0, 0, 1000, false);
        EmbeddingMemory.store(state, embedding, 1, 2000, 3000, false);
        EmbeddingMemory.store(state, embedding, 2, 3001, 4000, false);

        List<WindowHistory.Match> matches = WindowHistory.mostSimilar(state, embedding, 1000, 2000, 3);

        assertThat(matches).as("a shared point is an overlap").extracting(WindowHistory.Match::windowStart)
                .containsExactly(3001L);
    }

    @Test
    void mostSimilar_tiesPreferTheMostRecent() {
        DetectorState state = state(1);
        float[] embedding = {0.5f, -0.25f, 1, 0};
        for (long window = 1; window <= 5; window++) {
            store(state, window, embedding);
        }

        List<WindowHistory.Match> matches = search(state, 10, embedding);

        assertThat(matches).extracting(WindowHistory.Match::windowStart).containsExactly(5000L, 4000L, 3000L);
        assertThat(matches.get(0).similarity()).isEqualTo(matches.get(2).similarity());
    }

    @Test
    void mostSimilar_shortHistoryReturnsFewer() {
        DetectorState state = state(1);
        store(state, 1, new float[] {1, 0, 0, 0});

        assertThat(search(state, 10, new float[] {0, 1, 0, 0})).hasSize(1);
    }

    @Test
    void mostSimilar_skipsZeroEmbeddings() {
        DetectorState state = state(1);
        store(state, 1, new float[DIM]);
        store(state, 2, new float[] {1, 0, 0, 0});

        assertThat(search(state, 10, new float[] {1, 0, 0, 0}))
                .as("a stored all-zero embedding has no direction")
                .extracting(WindowHistory.Match::windowStart)
                .containsExactly(2000L);
        assertThat(search(state, 10, new float[DIM])).as("an all-zero query has no direction").isEmpty();
    }

    @Test
    void mostSimilar_reportsWhetherPastWindowAlerted() {
        DetectorState state = state(1);
        store(state, 1, new float[] {1, 0, 0, 0}, true);
        store(state, 2, new float[] {0, 1, 0, 0}, false);

        List<WindowHistory.Match> matches = search(state, 10, new float[] {1, 0.1f, 0, 0});

        assertThat(matches.get(0).alerted()).isTrue();
        assertThat(matches.get(1).alerted()).isFalse();
    }

    @Test
    void mostSimilar_concatenatesChannels() {
        DetectorState state = state(2);
        // Channel 1 is ten times larger than channel 0, so it dominates the concatenated vector.
        store(state, 1, new float[] {1, 0, 0, 0, 10, 0, 0, 0});
        store(state, 2, new float[] {0, 1, 0, 0, 0, 10, 0, 0});

        List<WindowHistory.Match> matches = search(state, 10, new float[] {0, 1, 0, 0, 10, 0, 0, 0});

        assertThat(matches.get(0).windowStart()).isEqualTo(1000L);
        assertThat(matches.get(0).similarity()).isCloseTo(100 / 101.0, within(1e-3));
        assertThat(matches.get(1).similarity()).isCloseTo(1 / 101.0, within(1e-3));
    }

    @Test
    void mostSimilar_eightBitStorageKeepsSimilarity() {
        DetectorState state = state(1);
        float[] embedding = {0.013f, -0.71f, 0.3333f, 0.05f};
        store(state, 1, embedding);

        assertThat(search(state, 10, embedding).get(0).similarity()).isCloseTo(1.0, within(1e-3));
    }

    @Test
    void store_ringOverwritesOldestWhenFull() {
        DetectorState state = state(1);
        int capacity = EmbeddingMemory.capacity(0);
        for (long window = 0; window < capacity + 2; window++) {
            store(state, window, new float[] {1, 0, 0, 0});
        }

        List<WindowHistory.Match> matches =
                WindowHistory.mostSimilar(state, new float[] {1, 0, 0, 0}, -10, -1, capacity + 2);

        assertThat(state.memoryFilled).isEqualTo(capacity);
        assertThat(state.memoryNext).isEqualTo(2);
        assertThat(matches).hasSize(capacity);
        assertThat(matches.get(0).windowStart()).as("newest").isEqualTo((capacity + 1) * WINDOW_MILLIS);
        assertThat(matches.get(matches.size() - 1).windowStart())
                .as("windows 0 and 1 were overwritten")
                .isEqualTo(2 * WINDOW_MILLIS);
    }

    @Test
    void isSampled_everyStride() {
        assertThat(EmbeddingMemory.isSampled(0)).isTrue();
        assertThat(EmbeddingMemory.isSampled(EmbeddingMemory.STRIDE)).isTrue();
        assertThat(EmbeddingMemory.isSampled(EmbeddingMemory.STRIDE + 1)).isFalse();
    }

    @Test
    void storeAlerted_marksSampledWindowOrAddsEntry() {
        DetectorState state = state(1);
        store(state, 24, new float[] {1, 0, 0, 0});

        EmbeddingMemory.storeAlerted(state, new float[] {1, 0, 0, 0}, 24, 24_000, 24_999);

        assertThat(state.memoryFilled).as("window 24 was sampled, so its entry is marked").isEqualTo(1);
        assertThat(state.memoryAlerted[0]).isTrue();

        EmbeddingMemory.storeAlerted(state, new float[] {0, 1, 0, 0}, 30, 30_000, 30_999);

        assertThat(state.memoryFilled).as("window 30 was not sampled, so it is added").isEqualTo(2);
        List<WindowHistory.Match> matches = search(state, 40, new float[] {0, 1, 0, 0});
        assertThat(matches.get(0).windowStart()).isEqualTo(30_000L);
        assertThat(matches.get(0).alerted()).isTrue();
    }

    @Test
    void store_keepsTimesAcrossRebase() {
        DetectorState state = state(1);
        long day = 86_400_000L;
        store(state, 0, new float[] {1, 0, 0, 0});
        // 30 days later, beyond the int range of milliseconds from the first entry.
        EmbeddingMemory.store(state, new float[] {0, 1, 0, 0}, 1, 30 * day, 30 * day + 999, false);

        List<WindowHistory.Match> matches = WindowHistory.mostSimilar(state, new float[] {0, 1, 0, 0}, -10, -1, 3);

        assertThat(matches).as("the first entry lost its times; the second kept them").hasSize(1);
        assertThat(matches.get(0).windowStart()).isEqualTo(30 * day);
        assertThat(matches.get(0).windowEnd()).isEqualTo(30 * day + 999);
    }

    @Test
    void ensure_resetsMemoryOfAnotherLayout() {
        DetectorState state = state(1);
        store(state, 1, new float[] {1, 0, 0, 0});
        state.memoryScales = new float[3];

        EmbeddingMemory.ensure(state, 0);

        assertThat(state.memoryFilled).isZero();
        assertThat(state.memoryScales).hasSize(EmbeddingMemory.capacity(0));
        assertThat(state.memoryValues).hasSize(EmbeddingMemory.capacity(0) * DIM);
    }

    @Test
    void upgrade_keepsVersionTwoAndDiscardsOlder() {
        DetectorState version2 = DetectorState.create(1, DIM, 64, 64);
        version2.version = 2;
        version2.windowsSeen = 500;
        DetectorState version1 = state(1);
        version1.version = 1;
        DetectorState future = state(1);
        future.version = DetectorState.CURRENT_VERSION + 1;

        assertThat(version2.upgrade(0)).isTrue();
        assertThat(version2.version).isEqualTo(DetectorState.CURRENT_VERSION);
        assertThat(version2.windowsSeen).isEqualTo(500);
        assertThat(version2.memoryFilled).isZero();
        assertThat(version1.upgrade(0)).isFalse();
        assertThat(version1.version).isEqualTo(1);
        assertThat(future.upgrade(0)).isFalse();
    }

    @Test
    void upgrade_convertsVersion3SeasonalMemory() {
        int period = 288;
        int oldCapacity = 2 * period + 4;
        DetectorState state = DetectorState.create(1, DIM, 4096, 4096);
        state.version = 3;
        state.windowsSeen = 1000;
        state.seasonValues = new byte[oldCapacity * DIM];
        state.seasonScales = new float[oldCapacity];
        state.seasonFilled = oldCapacity;
        state.seasonNext = (int) (state.windowsSeen % oldCapacity);
        for (int age = 1; age <= oldCapacity; age++) {
            // The old entry of window w holds w % 100 in its first dimension.
            int slot = Math.floorMod(state.seasonNext - age, oldCapacity);
            state.seasonScales[slot] = 1f;
            state.seasonValues[slot * DIM] = (byte) ((state.windowsSeen - age) % 100);
        }
        state.seasonMean = new double[] {1.5};
        state.seasonVariance = new double[] {0.25};
        state.seasonCount = 700;

        assertThat(state.upgrade(period)).isTrue();

        assertThat(state.seasonValues).isNull();
        assertThat(state.seasonCount).as("calibration kept").isEqualTo(700);
        long sampled = 0;
        for (long window = state.windowsSeen - oldCapacity; window < state.windowsSeen; window++) {
            sampled += EmbeddingMemory.isSampled(window) ? 1 : 0;
        }
        assertThat(state.memoryFilled).as("the sampled windows of the old ring").isEqualTo(sampled);
        assertThat(state.records.blocks).hasSize(DetectorState.RECORD_TRACKERS * SlidingMaxima.BLOCKS);
        // Window 1000 compares with the sampled windows 708 and 720 around one period back, and 420
        // and 432 around two periods back. Window 708 contains 8 in its first dimension.
        float[] likeWindow708 = {8f, 0, 0, 0};
        EmbeddingMemory.ensure(state, period);
        assertThat(state.seasonCount).as("ensure keeps the converted memory").isEqualTo(700);
        assertThat(SeasonalMemory.nearestSeasonalDistance(state, likeWindow708, 0, period)).isCloseTo(0.0, within(1e-6));
        assertThat(WindowHistory.mostSimilar(state, likeWindow708, 0, 1, 3))
                .as("converted seasonal entries have no times").isEmpty();
    }
}
