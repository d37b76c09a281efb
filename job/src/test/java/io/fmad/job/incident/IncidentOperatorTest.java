package io.fmad.job.incident;

import static io.fmad.job.incident.IncidentTrackerTest.T0;
import static io.fmad.job.incident.IncidentTrackerTest.candidate;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Severity;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

class IncidentOperatorTest {

    private static final IncidentSettings SETTINGS = new IncidentSettings(
            Duration.ofHours(1), Duration.ofMinutes(15),
            List.of(SuppressionWindow.parse("db-*@2026-12-01T03:00:00Z/2026-12-01T05:00:00Z")));

    private KeyedOneInputStreamOperatorTestHarness<String, AnomalyAlert, AnomalyAlert> harness;

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void lastingAnomaly_opensUpdatesAndResolvesOnce() throws Exception {
        harness = open(null);

        for (int minute = 0; minute <= 30; minute += 5) {
            send(candidate("web-1", minute, minute == 0 ? AlertStatus.OPEN : AlertStatus.UPDATE, Severity.MEDIUM));
        }
        harness.processWatermark(T0.plus(Duration.ofMinutes(89)).toEpochMilli());
        List<AnomalyAlert> beforeQuiet = records();
        harness.processWatermark(T0.plus(Duration.ofMinutes(90)).toEpochMilli());

        assertThat(beforeQuiet).extracting(AnomalyAlert::getStatus)
                .containsExactly(AlertStatus.OPEN, AlertStatus.UPDATE, AlertStatus.UPDATE);
        List<AnomalyAlert> all = records();
        assertThat(all).extracting(AnomalyAlert::getStatus)
                .containsExactly(AlertStatus.OPEN, AlertStatus.UPDATE, AlertStatus.UPDATE, AlertStatus.RESOLVED);
        assertThat(all).extracting(AnomalyAlert::getSequence).containsExactly(0, 1, 2, 3);
        assertThat(all).extracting(AnomalyAlert::getIncidentId).containsOnly(all.get(0).getIncidentId());
        assertThat(all.get(3).getWindowEnd()).isEqualTo(T0.plus(Duration.ofMinutes(90)));
    }

    @Test
    void afterResolution_newAlertOpensNewIncident() throws Exception {
        harness = open(null);
        send(candidate("web-1", 0, AlertStatus.OPEN, Severity.MEDIUM));
        harness.processWatermark(T0.plus(Duration.ofHours(2)).toEpochMilli());

        send(candidate("web-1", 180, AlertStatus.UPDATE, Severity.MEDIUM));
        send(candidate("web-1", 200, AlertStatus.OPEN, Severity.MEDIUM));

        List<AnomalyAlert> all = records();
        assertThat(all).extracting(AnomalyAlert::getStatus)
                .containsExactly(AlertStatus.OPEN, AlertStatus.RESOLVED, AlertStatus.OPEN);
        assertThat(all.get(2).getIncidentId()).isNotEqualTo(all.get(0).getIncidentId());
    }

    @Test
    void candidateAfterQuietPeriod_resolvesFirst() throws Exception {
        harness = open(null);
        send(candidate("web-1", 0, AlertStatus.OPEN, Severity.MEDIUM));
        harness.processWatermark(T0.plus(Duration.ofMinutes(70)).toEpochMilli());
        send(candidate("web-1", 75, AlertStatus.OPEN, Severity.MEDIUM));
        harness.processWatermark(T0.plus(Duration.ofHours(3)).toEpochMilli());
        List<AnomalyAlert> timerFirst = records();
        harness.close();

        // The candidate at minute 75 arrives while the watermark is still before the quiet-period end.
        harness = open(null);
        send(candidate("web-1", 0, AlertStatus.OPEN, Severity.MEDIUM));
        harness.processWatermark(T0.plus(Duration.ofMinutes(30)).toEpochMilli());
        send(candidate("web-1", 75, AlertStatus.OPEN, Severity.MEDIUM));
        harness.processWatermark(T0.plus(Duration.ofHours(3)).toEpochMilli());
        List<AnomalyAlert> candidateFirst = records();

        assertThat(timerFirst).extracting(AnomalyAlert::getStatus)
                .containsExactly(AlertStatus.OPEN, AlertStatus.RESOLVED, AlertStatus.OPEN, AlertStatus.RESOLVED);
        assertThat(candidateFirst).containsExactlyElementsOf(timerFirst);
    }

    @Test
    void candidateInsideSuppressedResolution_extendsIncident() throws Exception {
        harness = open(null);
        send(candidate("db-1", 150, AlertStatus.OPEN, Severity.HIGH));
        // The quiet period ends at minute 210, inside the suppression window that ends at minute 300.
        send(candidate("db-1", 250, AlertStatus.UPDATE, Severity.HIGH));
        harness.processWatermark(T0.plus(Duration.ofHours(6)).toEpochMilli());

        List<AnomalyAlert> all = records();
        assertThat(all).extracting(AnomalyAlert::getStatus).containsExactly(AlertStatus.OPEN, AlertStatus.RESOLVED);
        assertThat(all.get(1).getWindowEnd()).isEqualTo(T0.plus(Duration.ofMinutes(310)));
    }

    @Test
    void suppressionWindow_emitsNothingAndDefersResolution() throws Exception {
        harness = open(null);
        send(candidate("db-1", 150, AlertStatus.OPEN, Severity.HIGH));
        send(candidate("db-1", 200, AlertStatus.UPDATE, Severity.CRITICAL));
        send(candidate("db-2", 200, AlertStatus.OPEN, Severity.HIGH));

        harness.processWatermark(T0.plus(Duration.ofMinutes(290)).toEpochMilli());
        List<AnomalyAlert> during = records();
        harness.processWatermark(T0.plus(Duration.ofHours(5)).toEpochMilli());

        assertThat(during).extracting(AnomalyAlert::getStatus).containsExactly(AlertStatus.OPEN);
        List<AnomalyAlert> all = records();
        assertThat(all).extracting(AnomalyAlert::getStatus).containsExactly(AlertStatus.OPEN, AlertStatus.RESOLVED);
        assertThat(all.get(1).getWindowEnd()).isEqualTo(T0.plus(Duration.ofMinutes(260)));
    }

    @Test
    void openIncident_survivesSnapshotAndRestore() throws Exception {
        harness = open(null);
        send(candidate("web-1", 0, AlertStatus.OPEN, Severity.MEDIUM));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        String incidentId = records().get(0).getIncidentId();
        harness.close();

        harness = open(snapshot);
        send(candidate("web-1", 20, AlertStatus.UPDATE, Severity.MEDIUM));
        harness.processWatermark(T0.plus(Duration.ofHours(3)).toEpochMilli());

        List<AnomalyAlert> restored = records();
        assertThat(restored).extracting(AnomalyAlert::getStatus).containsExactly(AlertStatus.UPDATE, AlertStatus.RESOLVED);
        assertThat(restored).extracting(AnomalyAlert::getIncidentId).containsOnly(incidentId);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, AnomalyAlert, AnomalyAlert> open(OperatorSubtaskState state)
            throws Exception {
        var opened = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new IncidentOperator(SETTINGS, Duration.ZERO)),
                IncidentOperator::incidentKey,
                Types.STRING);
        if (state != null) {
            opened.initializeState(state);
        }
        opened.open();
        return opened;
    }

    private void send(AnomalyAlert candidate) throws Exception {
        harness.processElement(new StreamRecord<>(candidate, candidate.getWindowEnd().toEpochMilli()));
    }

    private List<AnomalyAlert> records() {
        List<AnomalyAlert> records = new ArrayList<>();
        for (Object element : harness.getOutput()) {
            if (element instanceof StreamRecord<?> record) {
                records.add((AnomalyAlert) record.getValue());
            }
        }
        return records;
    }
}
