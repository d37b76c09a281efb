package io.fmad.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.SimilarWindow;
import io.fmad.avro.ValueStatistics;
import io.fmad.job.TestEvents;
import io.fmad.job.encode.EmbeddedWindow;
import io.fmad.job.state.KeyedStateExpiry;
import io.fmad.job.window.SeriesWindow;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

class WindowAnomalyDetectorTest {

    private static final int DIM = 4;
    private static final int WINDOW = 4;
    private static final DetectorSettings SETTINGS = settings(100, 10);
    /** Embedding of anomalous windows, far from the normal windows' small random ones. */
    private static final float[] ANOMALY_EMBEDDING = {1f, -1f, 0.5f, 2f};
    /** Normal windows of key "a" in the golden snapshots, past the 100-window warm-up. */
    private static final int GOLDEN_WINDOWS = 150;

    private final Random random = new Random(7);
    private KeyedOneInputStreamOperatorTestHarness<String, EmbeddedWindow, AnomalyAlert> harness;
    private DetectorSettings settings = SETTINGS;
    private long sequence;

    private static DetectorSettings settings(int warmUp, int cooldown) {
        return new DetectorSettings(
                EnumSet.allOf(DetectorSignal.class),
                AnomalyScorer.DEFAULT_CALIBRATED_Z,
                0.999, warmUp, 200, cooldown, 0.99, 4.0, WINDOW, 0.01, 4096, 2048, 0, Duration.ofDays(7));
    }

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, EmbeddedWindow, AnomalyAlert> newHarness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new WindowAnomalyDetector(settings)), EmbeddedWindow::key, Types.STRING);
    }

    private void restartWith(DetectorSettings newSettings) throws Exception {
        harness.close();
        settings = newSettings;
        harness = newHarness();
        harness.open();
    }

    /**
     * Builds a window whose values stay within [99, 101] around a baseline of 100 with standard deviation
     * 1, and whose reconstruction error is {@code reconstructionError} times a noisy normal error.
     */
    private EmbeddedWindow embedded(String key, float reconstructionError) {
        sequence++;
        float[] normalized = new float[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            normalized[i] = (float) (0.3 * random.nextGaussian());
        }
        EmbeddedWindow window = new EmbeddedWindow();
        window.window = TestEvents.window(key, sequence, normalized);
        window.window.baselineMean[0] = 100.0;
        window.window.last[0] = 100.0 + normalized[WINDOW - 1];
        window.window.min[0] = 99.0;
        window.window.max[0] = 101.0;
        window.embeddingDim = DIM;
        window.embeddings = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            window.embeddings[d] = (float) (0.1 * random.nextGaussian());
        }
        window.reconstructionErrors =
                new float[] {reconstructionError * (float) (0.1 * Math.exp(0.03 * random.nextGaussian()))};
        window.modelId = "test-model";
        window.modelVersion = "1";
        return window;
    }

    private void sendNormal(String key, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            harness.processElement(embedded(key, 1f), sequence);
        }
    }

    /** Sends a window the model reconstructs 100 times worse than usual. */
    private void sendAnomaly(String key) throws Exception {
        harness.processElement(embedded(key, 100f), sequence);
    }

    /** Sends a window the model reconstructs 100 times worse than usual, with the given embedding. */
    private void sendAnomaly(String key, float[] embedding) throws Exception {
        EmbeddedWindow window = embedded(key, 100f);
        window.embeddings = embedding.clone();
        harness.processElement(window, sequence);
    }

    /** Sends a normal window whose newest value rises to {@code value}, above the key's usual 101. */
    private void sendRangeBreak(String key, double value) throws Exception {
        EmbeddedWindow window = embedded(key, 1f);
        window.window.last[0] = value;
        window.window.max[0] = value;
        harness.processElement(window, sequence);
    }

    private List<WindowScore> scores() {
        return harness.getSideOutput(WindowAnomalyDetector.SCORES).stream().map(record -> record.getValue()).toList();
    }

    @Test
    void detector_silentDuringWarmUp() throws Exception {
        sendNormal("a", 60);
        sendAnomaly("a");
        sendRangeBreak("a", 110.0);

        assertThat(alerts()).as("windows 61 and 62 are inside the 100-window warm-up").isEmpty();
    }

    @Test
    void detector_alertsAfterWarmUp() throws Exception {
        sendNormal("a", 150);
        sendAnomaly("a");

        List<AnomalyAlert> alerts = alerts();
        assertThat(alerts).hasSize(1);
        AnomalyAlert alert = alerts.get(0);
        assertThat(alert.getKey()).isEqualTo("a");
        assertThat(alert.getScore()).isGreaterThanOrEqualTo(0.999).isLessThanOrEqualTo(1.0);
        assertThat(alert.getThreshold()).isEqualTo(0.999);
        assertThat(alert.getDetector()).isEqualTo(WindowAnomalyDetector.NAME);
        assertThat(alert.getModelId()).isEqualTo("test-model");
        assertThat(alert.getContributions()).containsEntry("value", 1.0);
        assertThat(alert.getWindowEnd().toEpochMilli()).isEqualTo(sequence);
        assertThat(alert.getAlertId())
                .isEqualTo(WindowAnomalyDetector.alertId("a", sequence, "test-model", "1"));
    }

    @Test
    void detector_normalWindowsRaiseNoAlert() throws Exception {
        sendNormal("a", 400);

        assertThat(alerts()).isEmpty();
    }

    @Test
    void detector_cooldownSuppressesRepeats() throws Exception {
        sendNormal("a", 150);
        sendAnomaly("a");
        sendNormal("a", 3);
        sendAnomaly("a");
        sendNormal("a", 20);
        sendAnomaly("a");

        assertThat(alerts())
                .as("second anomaly within the 10-window cooldown, third after it")
                .hasSize(2);
    }

    @Test
    void detector_lastingAnomalyAlertsOnce() throws Exception {
        sendNormal("a", 150);
        for (int i = 0; i < 12; i++) {
            harness.processElement(embedded("a", 100f * (i + 1)), sequence);
        }

        assertThat(scores().subList(150, 162))
                .as("every anomalous window stays above the re-arm level")
                .allMatch(score -> score.score >= 0.99);
        assertThat(alerts())
                .as("12 anomalous windows span the 10-window cooldown, but the key never re-arms")
                .hasSize(1);
        assertThat(heldBack())
                .as("the 11 held-back windows go to the incident stage as UPDATE candidates")
                .hasSize(11)
                .allSatisfy(update -> assertThat(update.getSimilarWindows()).isEmpty());
    }

    @Test
    void detector_levelFarFromBaselineAlerts() throws Exception {
        sendNormal("a", 150);
        EmbeddedWindow window = embedded("a", 1f);
        Arrays.fill(window.window.normalized, -4.5f);

        harness.processElement(window, sequence);

        assertThat(alerts())
                .as("newest values 4.5 baseline deviations low pass the 4-deviation level, within the range")
                .hasSize(1);
    }

    @Test
    void detector_rangeBreakAlertsDuringCooldown() throws Exception {
        restartWith(settings(100, 288));
        sendNormal("a", 600);
        sendAnomaly("a");
        sendNormal("a", 40);
        sendRangeBreak("a", 110.0);

        assertThat(alerts())
                .as("a new high 41 windows after an alert passes the 30-window range cooldown")
                .hasSize(2);

        sendNormal("a", 10);
        sendRangeBreak("a", 120.0);

        assertThat(alerts())
                .as("the next high, 11 windows later, is within the range cooldown")
                .hasSize(2);
    }

    @Test
    void detector_rangeBreakWaitsForRangeWarmUp() throws Exception {
        sendNormal("a", 150);
        sendRangeBreak("a", 110.0);

        assertThat(alerts())
                .as("before window 500 a young key's range does not count")
                .isEmpty();
    }

    @Test
    void detector_warmUpCountedPerKey() throws Exception {
        sendNormal("a", 150);
        sendNormal("b", 20);
        sendAnomaly("b");

        assertThat(alerts()).isEmpty();
    }

    @Test
    void detector_stateSurvivesSnapshotAndRestore() throws Exception {
        sendNormal("a", 150);
        OperatorSubtaskState snapshot = harness.snapshot(1L, sequence);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        sendAnomaly("a");

        List<AnomalyAlert> alerts = alerts();
        assertThat(alerts).as("a restored key is past warm-up and keeps its history").hasSize(1);
        assertThat(alerts.get(0).getSimilarWindows())
                .as("the window history survives the snapshot")
                .hasSize(WindowHistory.TOP_K);
    }

    @Test
    void detector_restoresVersion2Snapshot() throws Exception {
        String snapshot = getClass().getResource("detector-state-v2.snapshot").getPath();
        harness.close();
        harness = newHarness();
        harness.initializeState(OperatorSnapshotUtil.readStateHandle(snapshot));
        harness.open();
        sequence = GOLDEN_WINDOWS;

        sendAnomaly("a", ANOMALY_EMBEDDING);

        List<AnomalyAlert> alerts = alerts();
        assertThat(alerts).as("version 2 state keeps the warm-up of its %d windows", GOLDEN_WINDOWS).hasSize(1);
        assertThat(alerts.get(0).getSimilarWindows()).as("version 2 state has no window history").isEmpty();

        sendNormal("a", 20);
        sendAnomaly("a", ANOMALY_EMBEDDING);

        alerts = alerts();
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(1).getSimilarWindows()).as("the history fills after the upgrade").isNotEmpty();
        assertThat(alerts.get(1).getSimilarWindows().get(0).getWindowEnd())
                .isEqualTo(alerts.get(0).getWindowEnd());
    }

    @Test
    void detector_restoresVersion3Snapshot() throws Exception {
        String snapshot = getClass().getResource("detector-state-v3.snapshot").getPath();
        harness.close();
        harness = newHarness();
        harness.initializeState(OperatorSnapshotUtil.readStateHandle(snapshot));
        harness.open();
        sequence = GOLDEN_WINDOWS;

        sendAnomaly("a", ANOMALY_EMBEDDING);

        List<AnomalyAlert> alerts = alerts();
        assertThat(alerts).as("version 3 state keeps the warm-up of its %d windows", GOLDEN_WINDOWS).hasSize(1);
        assertThat(alerts.get(0).getSimilarWindows())
                .as("version 3 state keeps its window history")
                .hasSize(WindowHistory.TOP_K);
    }

    /**
     * Restores state that version 3 wrote for 150 windows with a seasonal period of 40 windows: its
     * seasonal memory held one embedding for each of the last 84 windows.
     */
    @Test
    void detector_convertsVersion3SeasonalMemory() throws Exception {
        String snapshot = getClass().getResource("detector-state-v3-seasonal.snapshot").getPath();
        harness.close();
        settings = new DetectorSettings(
                EnumSet.allOf(DetectorSignal.class), AnomalyScorer.DEFAULT_CALIBRATED_Z,
                0.999, 100, 200, 10, 0.99, 4.0, WINDOW, 0.01, 4096, 2048, 40, Duration.ofDays(7));
        harness = newHarness();
        harness.initializeState(OperatorSnapshotUtil.readStateHandle(snapshot));
        harness.open();
        sequence = GOLDEN_WINDOWS;

        sendNormal("a", 1);

        DetectorState state = detectorState("a");
        assertThat(state.version).isEqualTo(DetectorState.CURRENT_VERSION);
        assertThat(state.windowsSeen).isEqualTo(GOLDEN_WINDOWS + 1);
        assertThat(state.seasonValues).as("the old ring is dropped").isNull();
        assertThat(state.memoryFilled).as("windows 72, 84, 96, 108, 120, 132 and 144 of the old ring").isEqualTo(7);
        assertThat(state.seasonCount).as("the seasonal calibration goes on").isGreaterThan(AnomalyScorer.MIN_CALIBRATION_SAMPLES);
        assertThat(state.records.blocks).hasSize(DetectorState.RECORD_TRACKERS * SlidingMaxima.BLOCKS);

        sendAnomaly("a", ANOMALY_EMBEDDING);

        List<AnomalyAlert> alerts = alerts();
        assertThat(alerts).as("the warm-up is kept").hasSize(1);
        assertThat(alerts.get(0).getSimilarWindows()).as("converted entries have no times").isEmpty();
    }

    /** Returns the detector's state of {@code key} as the operator stores it. */
    private DetectorState detectorState(String key) throws Exception {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        ValueStateDescriptor<DetectorState> descriptor = KeyedStateExpiry.expireAfterWrite(
                new ValueStateDescriptor<>("detector", TypeInformation.of(DetectorState.class)), settings.stateTtl());
        ValueState<DetectorState> state =
                backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
        return state.value();
    }

    @Test
    void detector_restoresVersion4Snapshot() throws Exception {
        String snapshot = getClass().getResource("detector-state-v4.snapshot").getPath();
        harness.close();
        harness = newHarness();
        harness.initializeState(OperatorSnapshotUtil.readStateHandle(snapshot));
        harness.open();
        sequence = GOLDEN_WINDOWS;

        sendAnomaly("a", ANOMALY_EMBEDDING);

        List<AnomalyAlert> alerts = alerts();
        assertThat(alerts).as("version 4 state keeps the warm-up of its %d windows", GOLDEN_WINDOWS).hasSize(1);
        assertThat(alerts.get(0).getSimilarWindows())
                .as("version 4 state keeps its embedding memory")
                .hasSize(WindowHistory.TOP_K);
    }

    @Test
    void alert_listsMostSimilarPastWindows() throws Exception {
        sendNormal("a", 150);
        sendAnomaly("a", ANOMALY_EMBEDDING);
        sendNormal("a", 20);
        sendAnomaly("a", ANOMALY_EMBEDDING);

        List<AnomalyAlert> alerts = alerts();
        assertThat(alerts).hasSize(2);
        List<SimilarWindow> first = alerts.get(0).getSimilarWindows();
        assertThat(first).hasSize(WindowHistory.TOP_K);
        assertThat(first).as("the 13 windows sampled so far are normal").noneMatch(SimilarWindow::getAlerted);
        assertThat(first.get(0).getSimilarity()).isGreaterThanOrEqualTo(first.get(1).getSimilarity());
        assertThat(first.get(1).getSimilarity()).isGreaterThanOrEqualTo(first.get(2).getSimilarity());
        for (SimilarWindow similar : first) {
            assertThat(similar.getWindowEnd()).as("no overlap with the alerted window")
                    .isBefore(alerts.get(0).getWindowStart());
        }

        SimilarWindow closest = alerts.get(1).getSimilarWindows().get(0);
        assertThat(closest.getWindowStart()).isEqualTo(alerts.get(0).getWindowStart());
        assertThat(closest.getWindowEnd()).isEqualTo(alerts.get(0).getWindowEnd());
        assertThat(closest.getSimilarity()).isCloseTo(1.0, within(1e-3));
        assertThat(closest.getAlerted()).isTrue();
    }

    @Test
    void alert_carriesTimesOfExtremesAndDeparture() throws Exception {
        sendNormal("a", 150);
        EmbeddedWindow window = embedded("a", 100f);
        SeriesWindow series = window.window;
        series.minTime = new long[] {series.start};
        series.maxTime = new long[] {series.end - 1};
        series.departureStart = new long[] {series.end - 1};
        series.departureEnd = new long[] {SeriesWindow.NO_TIME};
        harness.processElement(window, sequence);

        ValueStatistics statistics = alerts().get(0).getStatistics().get("value");
        assertThat(statistics.getMinTime()).isEqualTo(Instant.ofEpochMilli(series.start));
        assertThat(statistics.getMaxTime()).isEqualTo(Instant.ofEpochMilli(series.end - 1));
        assertThat(statistics.getDepartureStart()).isEqualTo(Instant.ofEpochMilli(series.end - 1));
        assertThat(statistics.getDepartureEnd()).as("NO_TIME becomes null").isNull();
    }

    @Test
    void alert_timesNullWhenWindowHasNone() throws Exception {
        sendNormal("a", 150);
        sendAnomaly("a");

        ValueStatistics statistics = alerts().get(0).getStatistics().get("value");
        assertThat(statistics.getMaxTime()).isNull();
        assertThat(statistics.getMinTime()).isNull();
        assertThat(statistics.getDepartureStart()).isNull();
    }

    /**
     * Writes the golden snapshot of the current state version that a later version's migration test
     * restores. Runs only with {@code -Dfmad.write-detector-snapshot=DIR}: run it before bumping
     * {@link DetectorState#CURRENT_VERSION} and copy the file into this package's test resources.
     */
    @Test
    void writeGoldenSnapshot() throws Exception {
        String directory = System.getProperty("fmad.write-detector-snapshot");
        Assumptions.assumeTrue(directory != null, "set fmad.write-detector-snapshot to write the snapshot");
        sendNormal("a", GOLDEN_WINDOWS);
        OperatorSubtaskState snapshot = harness.snapshot(1L, sequence);

        OperatorSnapshotUtil.writeStateHandle(
                snapshot, directory + "/detector-state-v" + DetectorState.CURRENT_VERSION + ".snapshot");
    }

    @Test
    void scores_emittedForEveryWindow() throws Exception {
        sendNormal("a", 150);
        sendAnomaly("a");

        List<WindowScore> scores = scores();
        assertThat(scores).hasSize(151);
        assertThat(scores.subList(0, 100)).allMatch(score -> score.score == 0.0, "zero during warm-up");
        WindowScore last = scores.get(150);
        assertThat(last.alerted).isTrue();
        assertThat(last.score).isGreaterThanOrEqualTo(0.999);
        assertThat(last.windowEnd).isEqualTo(sequence);
        assertThat(scores.subList(0, 150)).noneMatch(score -> score.alerted);
    }

    @Test
    void alertId_stableAndDistinct() {
        String id = WindowAnomalyDetector.alertId("a", 1000L, "m", "1");

        assertThat(WindowAnomalyDetector.alertId("a", 1000L, "m", "1")).isEqualTo(id);
        assertThat(WindowAnomalyDetector.alertId("a", 1001L, "m", "1")).isNotEqualTo(id);
        assertThat(WindowAnomalyDetector.alertId("b", 1000L, "m", "1")).isNotEqualTo(id);
        assertThat(WindowAnomalyDetector.alertId("a", 1000L, "m", "2")).isNotEqualTo(id);
    }

    @Test
    void contributionShares_sumToOne() {
        double[] shares = WindowAnomalyDetector.contributionShares(new double[] {3, 1, -2});

        assertThat(shares).containsExactly(0.75, 0.25, 0.0);
        assertThat(WindowAnomalyDetector.contributionShares(new double[] {-1, -1}))
                .containsExactly(0.5, 0.5);
    }

    /** Returns the OPEN candidates emitted so far: the windows the alert policy raised an alert for. */
    private List<AnomalyAlert> alerts() {
        return harness.extractOutputValues().stream().filter(alert -> alert.getStatus() == AlertStatus.OPEN).toList();
    }

    /** Returns the UPDATE candidates emitted so far: anomalous windows the alert policy held back. */
    private List<AnomalyAlert> heldBack() {
        return harness.extractOutputValues().stream().filter(alert -> alert.getStatus() == AlertStatus.UPDATE).toList();
    }
}
