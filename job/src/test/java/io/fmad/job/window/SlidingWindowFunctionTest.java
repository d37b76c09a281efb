package io.fmad.job.window;

import static io.fmad.job.TestEvents.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fmad.avro.MetricEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

class SlidingWindowFunctionTest {

    private static final int WINDOW = 4;
    private static final int SLIDE = 2;

    private KeyedOneInputStreamOperatorTestHarness<String, MetricEvent, SeriesWindow> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static final Duration STATE_TTL = Duration.ofMinutes(10);

    private static KeyedOneInputStreamOperatorTestHarness<String, MetricEvent, SeriesWindow> newHarness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SlidingWindowFunction(WINDOW, SLIDE, 100, STATE_TTL)),
                event -> event.getKey().toString(),
                Types.STRING);
    }

    private void send(String key, long timestamp, double value) throws Exception {
        harness.processElement(metric(key, timestamp, value), timestamp);
    }

    @Test
    void window_outOfOrderEventsSorted() throws Exception {
        send("a", 1, 1);
        send("a", 3, 3);
        send("a", 2, 2);
        send("a", 4, 4);
        assertThat(harness.extractOutputValues()).as("nothing before the watermark passes").isEmpty();

        harness.processWatermark(4);

        List<SeriesWindow> windows = harness.extractOutputValues();
        assertThat(windows).hasSize(1);
        SeriesWindow window = windows.get(0);
        assertThat(window.start).isEqualTo(1);
        assertThat(window.end).isEqualTo(4);
        assertThat(window.sequence).isEqualTo(4);
        float[] normalized = window.channel(0);
        for (int i = 1; i < WINDOW; i++) {
            assertThat(normalized[i]).as("point %d after point %d", i, i - 1).isGreaterThan(normalized[i - 1]);
        }
        assertThat(window.min[0]).isEqualTo(1.0);
        assertThat(window.max[0]).isEqualTo(4.0);
        assertThat(window.last[0]).isEqualTo(4.0);
    }

    @Test
    void window_oneTimerPerKeyWhileEventsWait() throws Exception {
        for (int t = 10; t <= 100; t++) {
            send("a", t, t);
        }
        send("a", 5, 5);
        assertThat(harness.numEventTimeTimers()).as("one timer, moved to the earlier 5").isEqualTo(1);

        harness.processWatermark(50);
        assertThat(harness.extractOutputValues()).as("points 5 and 10-50 appended, 4 windows a slide apart")
                .extracting(window -> window.end)
                .containsExactly(12L, 14L, 16L, 18L, 20L, 22L, 24L, 26L, 28L, 30L, 32L, 34L, 36L, 38L, 40L,
                        42L, 44L, 46L, 48L, 50L);
        assertThat(harness.numEventTimeTimers()).as("one timer left, for point 51").isEqualTo(1);

        harness.processWatermark(100);
        assertThat(harness.extractOutputValues()).hasSize(45);
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void window_reverseOrderKeepsOneTimer() throws Exception {
        for (int t = 500; t >= 1; t--) {
            send("a", t, t);
        }
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(500);

        assertThat(harness.extractOutputValues()).hasSize(249);
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void window_channelsFromEarliestEventNotFirstArrival() throws Exception {
        harness.processElement(metric("a", 2, Map.of("cpu", 50.0, "mem", 1000.0)), 2);
        harness.processElement(metric("a", 1, Map.of("cpu", 40.0)), 1);
        harness.processElement(metric("a", 3, Map.of("cpu", 60.0, "mem", 1000.0)), 3);
        harness.processElement(metric("a", 4, Map.of("cpu", 70.0, "mem", 1000.0)), 4);
        harness.processWatermark(4);

        List<SeriesWindow> windows = harness.extractOutputValues();
        assertThat(windows).hasSize(1);
        assertThat(windows.get(0).valueNames).as("the earliest event names the channels").containsExactly("cpu");
        assertThat(windows.get(0).min[0]).isEqualTo(40.0);
        assertThat(windows.get(0).max[0]).isEqualTo(70.0);
    }

    @Test
    void window_earliestEventWithMoreNamesWidensChannels() throws Exception {
        harness.processElement(metric("a", 2, Map.of("cpu", 50.0)), 2);
        harness.processElement(metric("a", 1, Map.of("cpu", 40.0, "mem", 900.0)), 1);
        harness.processElement(metric("a", 3, Map.of("cpu", 60.0, "mem", 1100.0)), 3);
        harness.processElement(metric("a", 4, Map.of("cpu", 70.0, "mem", 1200.0)), 4);
        harness.processWatermark(4);

        SeriesWindow window = harness.extractOutputValues().get(0);
        assertThat(window.valueNames).containsExactly("cpu", "mem");
        assertThat(window.min[1]).as("point 2 carries mem forward from point 1").isEqualTo(900.0);
        assertThat(window.max[1]).isEqualTo(1200.0);
    }

    @Test
    void window_expiredStateWithWaitingEventsCounted() throws Exception {
        harness.setStateTtlProcessingTime(0);
        for (int t = 1; t <= 6; t++) {
            send("a", t, t);
        }
        harness.setStateTtlProcessingTime(STATE_TTL.toMillis() + 1);

        harness.processWatermark(100);

        assertThat(harness.extractOutputValues()).as("the waiting events expired with the state").isEmpty();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void window_recordsTimesOfExtremesAndDeparture() throws Exception {
        for (int t = 1; t <= 21; t++) {
            send("a", t, 10 + t % 2);
        }
        send("a", 22, 30);
        harness.processWatermark(22);

        List<SeriesWindow> windows = harness.extractOutputValues();
        SeriesWindow quiet = windows.get(0);
        assertThat(quiet.end).isEqualTo(4);
        assertThat(quiet.departureStart[0]).as("values 10 and 11 stay within 1 sigma").isEqualTo(SeriesWindow.NO_TIME);
        assertThat(quiet.departureEnd[0]).isEqualTo(SeriesWindow.NO_TIME);

        SeriesWindow spike = windows.get(windows.size() - 1);
        assertThat(spike.end).isEqualTo(22);
        assertThat(spike.maxTime[0]).isEqualTo(22);
        assertThat(spike.minTime[0]).as("first of the two 10s in points 19 to 22").isEqualTo(20);
        assertThat(spike.departureStart[0]).as("30 is about 4.7 sigma above a baseline near 11").isEqualTo(22);
        assertThat(spike.departureEnd[0]).isEqualTo(22);
    }

    @Test
    void window_emittedEverySlidePoints() throws Exception {
        for (int t = 1; t <= 9; t++) {
            send("a", t, t);
        }
        harness.processWatermark(9);

        assertThat(harness.extractOutputValues())
                .extracting(window -> window.sequence)
                .containsExactly(4L, 6L, 8L);
    }

    @Test
    void window_lateEventDropped() throws Exception {
        for (int t = 1; t <= 4; t++) {
            send("a", t, t);
        }
        harness.processWatermark(4);
        send("a", 3, 100);
        send("a", 5, 5);
        send("a", 6, 6);
        harness.processWatermark(6);

        List<SeriesWindow> windows = harness.extractOutputValues();
        assertThat(windows).extracting(window -> window.sequence).containsExactly(4L, 6L);
        assertThat(windows.get(1).max[0]).as("late value 100 must not enter the window").isEqualTo(6.0);
    }

    @Test
    void window_duplicateTimestampKeepsFirst() throws Exception {
        send("a", 1, 1);
        send("a", 2, 2);
        send("a", 2, 50);
        send("a", 3, 3);
        send("a", 4, 4);
        harness.processWatermark(4);

        SeriesWindow window = harness.extractOutputValues().get(0);
        assertThat(window.max[0]).isEqualTo(4.0);
    }

    @Test
    void window_outOfOrderWithinBoundCountedAsAppended() throws Exception {
        send("a", 2, 2);
        send("a", 1, 1);
        send("a", 4, 4);
        send("a", 3, 3);
        harness.processWatermark(4);

        assertThat(total(SlidingWindowFunction.POINTS_APPENDED)).isEqualTo(4);
        assertThat(total(SlidingWindowFunction.LATE_EVENTS_DROPPED)).isZero();
        assertThat(harness.extractOutputValues().get(0).start).isEqualTo(1L);
    }

    @Test
    void window_lateEventCounted() throws Exception {
        for (int t = 1; t <= 4; t++) {
            send("a", t, t);
        }
        harness.processWatermark(4);
        send("a", 4, 100);
        send("a", 1, 100);

        assertThat(total(SlidingWindowFunction.LATE_EVENTS_DROPPED)).isEqualTo(2);
        assertThat(total(SlidingWindowFunction.POINTS_APPENDED)).isEqualTo(4);
    }

    @Test
    void window_duplicateCounted() throws Exception {
        send("a", 1, 1);
        send("a", 1, 1);
        send("a", 1, 7);
        harness.processWatermark(1);

        assertThat(total(SlidingWindowFunction.DUPLICATE_EVENTS_DROPPED)).isEqualTo(2);
        assertThat(total(SlidingWindowFunction.POINTS_APPENDED)).isEqualTo(1);
    }

    /**
     * Sends one event for each of 100,000 new keys at the job's default window size of 64 and
     * checks that all are appended and that the snapshot stays small per key.
     */
    @Test
    void window_burstOfNewKeysCompletes() throws Exception {
        int keys = 100_000;
        int windowSize = 64;
        var burst = new KeyedOneInputStreamOperatorTestHarness<String, MetricEvent, SeriesWindow>(
                new KeyedProcessOperator<>(new SlidingWindowFunction(windowSize, 1, 100, STATE_TTL)),
                event -> event.getKey().toString(),
                Types.STRING);
        // The default in-memory checkpoint storage caps a snapshot at 5 MiB; this one is about 110 MiB.
        burst.setCheckpointStorage(new JobManagerCheckpointStorage(256 * 1024 * 1024));
        burst.open();
        long started = System.nanoTime();

        for (int k = 0; k < keys; k++) {
            burst.processElement(metric("key-" + k, 1_000 + k, k), 1_000 + k);
        }
        burst.processWatermark(1_000 + keys);
        long stateBytes = burst.snapshot(1L, 1L).getStateSize();
        long millis = (System.nanoTime() - started) / 1_000_000;
        long appended = burst.getEnvironment().getAccumulatorRegistry().getUserMap()
                .get(SlidingWindowFunction.POINTS_APPENDED).getLocalValue() instanceof Long count ? count : -1;
        burst.close();

        long bytesPerKey = stateBytes / keys;
        LoggerFactory.getLogger(SlidingWindowFunctionTest.class).info(
                "{} new keys at window size {}: {} ms, snapshot {} bytes, {} bytes per key",
                keys, windowSize, millis, stateBytes, bytesPerKey);
        assertThat(appended).isEqualTo(keys);
        // One channel: 64 values of 8 bytes and 64 time steps of 4 bytes (768 bytes), plus names,
        // baseline and TTL.
        assertThat(bytesPerKey).isBetween(768L, 1_024L);
    }

    private long total(String accumulator) {
        Object value = harness.getEnvironment().getAccumulatorRegistry().getUserMap().get(accumulator).getLocalValue();
        return (Long) value;
    }

    @Test
    void window_keysKeptApart() throws Exception {
        for (int t = 1; t <= 4; t++) {
            send("a", t, t);
            send("b", t, -t);
        }
        harness.processWatermark(4);

        assertThat(harness.extractOutputValues())
                .extracting(window -> window.key + ":" + window.max[0])
                .containsExactlyInAnyOrder("a:4.0", "b:-1.0");
    }

    @Test
    void window_missingValueCarriedForward() throws Exception {
        harness.processElement(metric("a", 1, Map.of("cpu", 1.0, "mem", 10.0)), 1);
        harness.processElement(metric("a", 2, Map.of("cpu", 2.0)), 2);
        harness.processElement(metric("a", 3, Map.of("cpu", 3.0, "mem", 30.0, "disk", 5.0)), 3);
        harness.processElement(metric("a", 4, Map.of("cpu", 4.0, "mem", 40.0)), 4);
        harness.processWatermark(4);

        SeriesWindow window = harness.extractOutputValues().get(0);
        assertThat(window.valueNames).containsExactly("cpu", "mem");
        assertThat(window.min[1]).as("mem at t=2 carried forward from t=1").isEqualTo(10.0);
        assertThat(window.mean[1]).isEqualTo((10 + 10 + 30 + 40) / 4.0);
    }

    @Test
    void window_stateExpiresAfterTtl() throws Exception {
        harness.setStateTtlProcessingTime(0);
        for (int t = 1; t <= 3; t++) {
            send("a", t, t);
        }
        harness.processWatermark(3);

        harness.setStateTtlProcessingTime(STATE_TTL.toMillis() + 1);
        for (int t = 4; t <= 6; t++) {
            send("a", t, t);
        }
        harness.processWatermark(6);
        assertThat(harness.extractOutputValues()).as("points 1-3 expired, so 4-6 fill no window").isEmpty();

        send("a", 7, 7);
        harness.processWatermark(7);
        assertThat(harness.extractOutputValues()).extracting(window -> window.start).containsExactly(4L);
    }

    @Test
    void window_stateSurvivesSnapshotAndRestore() throws Exception {
        for (int t = 1; t <= 3; t++) {
            send("a", t, t);
        }
        harness.processWatermark(2);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 10L);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        send("a", 4, 4);
        harness.processWatermark(4);

        List<SeriesWindow> windows = harness.extractOutputValues();
        assertThat(windows).as("points 1-2 appended before, 3 pending in state, 4 after restore").hasSize(1);
        assertThat(windows.get(0).start).isEqualTo(1);
        assertThat(windows.get(0).end).isEqualTo(4);
    }

    @Test
    void window_restoresVersion2SnapshotWithPendingEvents() throws Exception {
        String snapshot = getClass().getResource("window-state-v2.snapshot").getPath();
        harness.close();
        harness = newHarness();
        harness.initializeState(OperatorSnapshotUtil.readStateHandle(snapshot));
        harness.open();

        send("a", 4, 4);
        send("b", 7, 7);
        send("b", 8, 8);
        send("b", 6, 60);
        harness.processWatermark(10);

        assertThat(harness.extractOutputValues())
                .as("a: points 1-2 appended and 3 pending in the snapshot; b: 5 and 6 pending, no window"
                        + " state; b's second point at 6 is a duplicate")
                .extracting(window -> window.key, window -> window.start, window -> window.end, window -> window.max[0])
                .containsExactlyInAnyOrder(tuple("a", 1L, 4L, 4.0), tuple("b", 5L, 8L, 8.0));
    }

    /**
     * Writes the golden snapshot of the current state version that a later version's migration test
     * restores: key "a" with points 1 and 2 appended and 3 pending, key "b" with 5 and 6 pending and
     * nothing appended. Runs only with {@code -Dfmad.write-window-snapshot=DIR}: run it before
     * bumping {@link WindowState#CURRENT_VERSION} and copy the file into this package's test
     * resources.
     */
    @Test
    void writeGoldenSnapshot() throws Exception {
        String directory = System.getProperty("fmad.write-window-snapshot");
        Assumptions.assumeTrue(directory != null, "set fmad.write-window-snapshot to write the snapshot");
        for (int t = 1; t <= 3; t++) {
            send("a", t, t);
        }
        send("b", 5, 5);
        send("b", 6, 6);
        harness.processWatermark(2);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 10L);

        OperatorSnapshotUtil.writeStateHandle(
                snapshot, directory + "/window-state-v" + WindowState.CURRENT_VERSION + ".snapshot");
    }
}
