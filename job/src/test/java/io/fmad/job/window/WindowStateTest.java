package io.fmad.job.window;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowStateTest {

    private static final long DAY_MS = 86_400_000L;

    /** Appends a point at {@code timestamp} as the window function does, without values. */
    private static void append(WindowState state, long timestamp) {
        state.setTime((int) (state.count % state.slots()), timestamp);
        state.lastTimestamp = timestamp;
        state.count++;
    }

    @Test
    void times_rebuiltFromSteps() {
        WindowState state = WindowState.create(new String[] {"value"}, 4);
        for (long t : new long[] {1_000, 2_000, 2_500, 10_000, 10_001, 10_001 + 20 * DAY_MS}) {
            append(state, t);
        }

        long[] times = state.times();

        assertThat(state.timestamps).as("the steps are kept as ints").isNull();
        assertThat(times[(int) (state.count % 4)]).as("oldest").isEqualTo(2_500L);
        assertThat(times[(int) ((state.count - 1) % 4)]).as("newest").isEqualTo(10_001 + 20 * DAY_MS);
        assertThat(times[(int) ((state.count - 2) % 4)]).isEqualTo(10_001L);
        assertThat(times[(int) ((state.count - 3) % 4)]).isEqualTo(10_000L);
    }

    @Test
    void setTime_keepsEpochMillisAfterLongGap() {
        WindowState state = WindowState.create(new String[] {"value"}, 4);
        long start = 1_700_000_000_000L;
        append(state, start);
        append(state, start + 1);
        append(state, start + 30 * DAY_MS);

        long[] times = state.times();

        assertThat(state.timeSteps).as("a 30-day step does not fit an int").isNull();
        assertThat(times[0]).isEqualTo(start);
        assertThat(times[1]).isEqualTo(start + 1);
        assertThat(times[2]).isEqualTo(start + 30 * DAY_MS);
    }

    @Test
    void upgrade_convertsVersion1Timestamps() {
        WindowState state = version1(new long[] {5_000, 6_000, 3_000, 4_000}, 6);

        assertThat(state.upgrade()).isTrue();

        assertThat(state.version).isEqualTo(WindowState.CURRENT_VERSION);
        assertThat(state.timestamps).isNull();
        assertThat(state.times()).containsExactly(5_000L, 6_000L, 3_000L, 4_000L);
    }

    @Test
    void upgrade_keepsVersion1TimestampsWithLongGap() {
        long[] timestamps = {1_000, 1_000 + 40 * DAY_MS, 0, 0};
        WindowState state = version1(timestamps.clone(), 2);

        assertThat(state.upgrade()).isTrue();

        assertThat(state.version).isEqualTo(WindowState.CURRENT_VERSION);
        assertThat(state.timeSteps).isNull();
        assertThat(state.times()[0]).isEqualTo(1_000L);
        assertThat(state.times()[1]).isEqualTo(1_000 + 40 * DAY_MS);
    }

    @Test
    void upgrade_rejectsUnknownVersion() {
        WindowState state = WindowState.create(new String[] {"value"}, 4);
        state.version = WindowState.CURRENT_VERSION + 1;

        assertThat(state.upgrade()).isFalse();
    }

    /** Builds state as version 1 wrote it: epoch milliseconds by slot, {@code count} points appended. */
    private static WindowState version1(long[] timestamps, long count) {
        WindowState state = WindowState.create(new String[] {"value"}, timestamps.length);
        state.version = 1;
        state.timeSteps = null;
        state.timestamps = timestamps;
        state.count = count;
        state.lastTimestamp = timestamps[(int) ((count - 1) % timestamps.length)];
        return state;
    }

    @Test
    void pending_sortedAndShrunkAfterBurst() {
        WindowState state = WindowState.create(new String[] {"x", "y"}, 4);
        for (long t = 100; t >= 1; t--) {
            int index = -state.findPending(t) - 1;
            int offset = state.insertPending(index, t);
            state.pendingValues[offset] = t;
            state.pendingValues[offset + 1] = -t;
        }
        assertThat(state.findPending(50)).isEqualTo(49);
        assertThat(state.findPending(101)).isEqualTo(-101);

        state.removePending(90);

        assertThat(state.pendingCount).isEqualTo(10);
        assertThat(state.pendingTimes).as("a quarter or less in use halves the buffers").hasSize(64);
        assertThat(state.pendingValues).hasSize(128);
        for (int i = 0; i < 10; i++) {
            assertThat(state.pendingTimes[i]).isEqualTo(91 + i);
            assertThat(state.pendingValues[2 * i]).isEqualTo(91.0 + i);
            assertThat(state.pendingValues[2 * i + 1]).isEqualTo(-91.0 - i);
        }

        state.removePending(10);
        assertThat(state.pendingCount).isZero();
        assertThat(state.pendingTimes).isNull();
        assertThat(state.pendingValues).isNull();
    }
}
