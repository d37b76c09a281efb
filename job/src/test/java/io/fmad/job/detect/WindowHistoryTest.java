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
        return DetectorState.create(channels, DIM, 64, 64);
    }

    private static void store(DetectorState state, long window, float[] embedding) {
        store(state, window, embedding, false);
    }

    private static void store(DetectorState state, long window, float[] embedding, boolean alerted) {
        WindowHistory.store(state, embedding, window * WINDOW_MILLIS, window * WINDOW_MILLIS + WINDOW_MILLIS - 1, alerted);
    }

    /** Searches for the window {@code window} with {@code embedding}. */
    private static List<WindowHistory.Match> search(DetectorState state, long window, float[] embedding) {
        return WindowHistory.mostSimilar(
                state, embedding, window * WINDOW_MILLIS, window * WINDOW_MILLIS + WINDOW_MILLIS - 1, WindowHistory.TOP_K);
    }

    @Test
    void mostSimilar_emptyHistoryFindsNothing() {
        DetectorState state = state(1);

        assertThat(search(state, 10, new float[] {1, 0, 0, 0})).as("history never allocated").isEmpty();

        WindowHistory.ensure(state);
        assertThat(search(state, 10, new float[] {1, 0, 0, 0})).as("history allocated, no entry").isEmpty();
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
        WindowHistory.store(state, embedding, 0, 1000, false);
        WindowHistory.store(state, embedding, 2000, 3000, false);
        WindowHistory.store(state, embedding, 3001, 4000, false);

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
        for (long window = 0; window < WindowHistory.CAPACITY + 2; window++) {
            store(state, window, new float[] {1, 0, 0, 0});
        }

        List<WindowHistory.Match> matches =
                WindowHistory.mostSimilar(state, new float[] {1, 0, 0, 0}, -10, -1, WindowHistory.CAPACITY + 2);

        assertThat(state.historyFilled).isEqualTo(WindowHistory.CAPACITY);
        assertThat(state.historyNext).isEqualTo(2);
        assertThat(matches).hasSize(WindowHistory.CAPACITY);
        assertThat(matches.get(0).windowStart()).as("newest").isEqualTo((WindowHistory.CAPACITY + 1) * WINDOW_MILLIS);
        assertThat(matches.get(matches.size() - 1).windowStart())
                .as("windows 0 and 1 were overwritten")
                .isEqualTo(2 * WINDOW_MILLIS);
    }

    @Test
    void shouldStore_everyStrideAndEveryAlert() {
        DetectorState state = state(1);

        state.windowsSeen = WindowHistory.STRIDE;
        assertThat(WindowHistory.shouldStore(state, false)).isTrue();

        state.windowsSeen = WindowHistory.STRIDE + 1;
        assertThat(WindowHistory.shouldStore(state, false)).isFalse();
        assertThat(WindowHistory.shouldStore(state, true)).isTrue();
    }

    @Test
    void ensure_resetsHistoryOfAnotherLayout() {
        DetectorState state = state(1);
        store(state, 1, new float[] {1, 0, 0, 0});
        state.historyScales = new float[3];

        WindowHistory.ensure(state);

        assertThat(state.historyFilled).isZero();
        assertThat(state.historyScales).hasSize(WindowHistory.CAPACITY);
        assertThat(state.historyValues).hasSize(WindowHistory.CAPACITY * DIM);
    }

    @Test
    void upgrade_keepsVersionTwoAndDiscardsOlder() {
        DetectorState version2 = state(1);
        version2.version = 2;
        version2.windowsSeen = 500;
        DetectorState version1 = state(1);
        version1.version = 1;
        DetectorState future = state(1);
        future.version = DetectorState.CURRENT_VERSION + 1;

        assertThat(version2.upgrade()).isTrue();
        assertThat(version2.version).isEqualTo(DetectorState.CURRENT_VERSION);
        assertThat(version2.windowsSeen).isEqualTo(500);
        assertThat(version2.historyFilled).isZero();
        assertThat(version1.upgrade()).isFalse();
        assertThat(version1.version).isEqualTo(1);
        assertThat(future.upgrade()).isFalse();
    }
}
