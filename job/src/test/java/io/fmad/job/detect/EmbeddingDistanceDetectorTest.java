package io.fmad.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.AnomalyAlert;
import io.fmad.job.TestEvents;
import io.fmad.job.encode.EmbeddedWindow;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;

class EmbeddingDistanceDetectorTest {

    private static final int DIM = 4;
    private static final int WINDOW = 4;
    private static final DetectorSettings SETTINGS =
            new DetectorSettings(0.999, 100, 16, 1, 2, 200, 10, 0.99, 6.0, 0, Duration.ofDays(7));

    private final Random random = new Random(7);
    private KeyedOneInputStreamOperatorTestHarness<String, EmbeddedWindow, AnomalyAlert> harness;
    private long sequence;

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, EmbeddedWindow, AnomalyAlert> newHarness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EmbeddingDistanceDetector(SETTINGS)), EmbeddedWindow::key, Types.STRING);
    }

    private EmbeddedWindow embedded(String key, float offset) {
        sequence++;
        EmbeddedWindow window = new EmbeddedWindow();
        window.window = TestEvents.window(key, sequence, new float[WINDOW]);
        window.embeddingDim = DIM;
        window.embeddings = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            window.embeddings[d] = offset + (float) (0.1 * random.nextGaussian());
        }
        window.modelId = "test-model";
        window.modelVersion = "1";
        return window;
    }

    private void sendNormal(String key, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            harness.processElement(embedded(key, 0f), sequence);
        }
    }

    private void sendAnomaly(String key) throws Exception {
        harness.processElement(embedded(key, 25f), sequence);
    }

    @Test
    void detector_silentDuringWarmUp() throws Exception {
        sendNormal("a", 60);
        sendAnomaly("a");

        assertThat(harness.extractOutputValues()).as("window 61 is inside the 100-window warm-up").isEmpty();
    }

    @Test
    void detector_alertsAfterWarmUp() throws Exception {
        sendNormal("a", 150);
        sendAnomaly("a");

        List<AnomalyAlert> alerts = harness.extractOutputValues();
        assertThat(alerts).hasSize(1);
        AnomalyAlert alert = alerts.get(0);
        assertThat(alert.getKey()).isEqualTo("a");
        assertThat(alert.getScore()).isGreaterThanOrEqualTo(0.999).isLessThanOrEqualTo(1.0);
        assertThat(alert.getThreshold()).isEqualTo(0.999);
        assertThat(alert.getDetector()).isEqualTo(EmbeddingDistanceDetector.NAME);
        assertThat(alert.getModelId()).isEqualTo("test-model");
        assertThat(alert.getContributions()).containsEntry("value", 1.0);
        assertThat(alert.getWindowEnd().toEpochMilli()).isEqualTo(sequence);
        assertThat(alert.getAlertId())
                .isEqualTo(EmbeddingDistanceDetector.alertId("a", sequence, "test-model", "1"));
    }

    @Test
    void detector_normalWindowsRaiseNoAlert() throws Exception {
        sendNormal("a", 400);

        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void detector_cooldownSuppressesRepeats() throws Exception {
        sendNormal("a", 150);
        sendAnomaly("a");
        sendNormal("a", 3);
        sendAnomaly("a");
        sendNormal("a", 20);
        sendAnomaly("a");

        assertThat(harness.extractOutputValues())
                .as("second anomaly within the 10-window cooldown, third after it")
                .hasSize(2);
    }

    @Test
    void detector_lastingAnomalyAlertsOnce() throws Exception {
        sendNormal("a", 150);
        for (int i = 0; i < 12; i++) {
            // A drift that keeps moving away, so no window becomes a near neighbour of the next.
            harness.processElement(embedded("a", 25f * (i + 1)), sequence);
        }

        List<WindowScore> scores =
                harness.getSideOutput(EmbeddingDistanceDetector.SCORES).stream().map(record -> record.getValue()).toList();
        assertThat(scores.subList(150, 162))
                .as("every anomalous window stays above the re-arm level")
                .allMatch(score -> score.score >= 0.99);
        assertThat(harness.extractOutputValues())
                .as("12 anomalous windows span the 10-window cooldown, but the key never re-arms")
                .hasSize(1);
    }

    @Test
    void detector_levelFarFromBaselineAlerts() throws Exception {
        sendNormal("a", 150);
        EmbeddedWindow window = embedded("a", 0f);
        window.window.last[0] = 7.0;

        harness.processElement(window, sequence);

        assertThat(harness.extractOutputValues())
                .as("a last value 7 baseline deviations out passes the 6-deviation level, whatever the embedding")
                .hasSize(1);
    }

    @Test
    void detector_warmUpCountedPerKey() throws Exception {
        sendNormal("a", 150);
        sendNormal("b", 20);
        sendAnomaly("b");

        assertThat(harness.extractOutputValues()).isEmpty();
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

        assertThat(harness.extractOutputValues())
                .as("a restored key is past warm-up and keeps its history")
                .hasSize(1);
    }

    @Test
    void scores_emittedForEveryWindow() throws Exception {
        sendNormal("a", 150);
        sendAnomaly("a");

        List<WindowScore> scores =
                harness.getSideOutput(EmbeddingDistanceDetector.SCORES).stream()
                        .map(record -> record.getValue())
                        .toList();
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
        String id = EmbeddingDistanceDetector.alertId("a", 1000L, "m", "1");

        assertThat(EmbeddingDistanceDetector.alertId("a", 1000L, "m", "1")).isEqualTo(id);
        assertThat(EmbeddingDistanceDetector.alertId("a", 1001L, "m", "1")).isNotEqualTo(id);
        assertThat(EmbeddingDistanceDetector.alertId("b", 1000L, "m", "1")).isNotEqualTo(id);
        assertThat(EmbeddingDistanceDetector.alertId("a", 1000L, "m", "2")).isNotEqualTo(id);
    }

    @Test
    void contributionShares_sumToOne() {
        double[] shares = EmbeddingDistanceDetector.contributionShares(new double[] {3, 1, -2});

        assertThat(shares).containsExactly(0.75, 0.25, 0.0);
        assertThat(EmbeddingDistanceDetector.contributionShares(new double[] {-1, -1}))
                .containsExactly(0.5, 0.5);
    }
}
