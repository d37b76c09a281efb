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
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

class IncidentOperatorTest {

    private static final IncidentSettings SETTINGS = new IncidentSettings(
            Duration.ofHours(1), Duration.ofMinutes(15),
            List.of(SuppressionWindow.parse("db-*@2026-12-01T03:00:00Z/2026-12-01T05:00:00Z")));

    /** The default of {@code state.ttl}, which the job runs with and the golden snapshot was written with. */
    private static final Duration JOB_STATE_TTL = Duration.ofDays(7);

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
    void laterCandidate_resolvesIncidentBeforeWatermark() throws Exception {
        harness = open(null);
        send(candidate("web-1", 0, AlertStatus.OPEN, Severity.MEDIUM));

        // The watermark stays at its start, as when another subtask lags behind.
        send(candidate("web-1", 300, AlertStatus.OPEN, Severity.HIGH));

        List<AnomalyAlert> all = records();
        assertThat(all).extracting(AnomalyAlert::getStatus)
                .containsExactly(AlertStatus.OPEN, AlertStatus.RESOLVED, AlertStatus.OPEN);
        assertThat(all.get(1).getWindowEnd()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(all.get(2).getIncidentId()).isNotEqualTo(all.get(0).getIncidentId());
        harness.processWatermark(T0.plus(Duration.ofHours(7)).toEpochMilli());
        assertThat(records()).extracting(AnomalyAlert::getStatus).endsWith(AlertStatus.OPEN, AlertStatus.RESOLVED);
        assertThat(records()).hasSize(4);
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
        assertThat(all.get(1).getWindowEnd()).as("the end of the suppression window").isEqualTo(T0.plus(Duration.ofHours(5)));
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

    @Test
    void restoresVersion1Snapshot_continuesIncident() throws Exception {
        harness = open(goldenSnapshot(), JOB_STATE_TTL);

        send(candidate("web-1", 40, AlertStatus.UPDATE, Severity.HIGH));
        harness.processWatermark(T0.plus(Duration.ofHours(3)).toEpochMilli());

        List<AnomalyAlert> restored = records();
        assertThat(restored).extracting(AnomalyAlert::getStatus).containsExactly(AlertStatus.UPDATE, AlertStatus.RESOLVED);
        assertThat(restored).extracting(AnomalyAlert::getSequence).as("sequence continues after OPEN and UPDATE").containsExactly(2, 3);
        assertThat(restored).extracting(AnomalyAlert::getIncidentId).containsOnly(goldenIncidentId());
        assertThat(restored.get(1).getWindowEnd()).as("quiet period after the restored key's last window")
                .isEqualTo(T0.plus(Duration.ofMinutes(100)));
    }

    @Test
    void restoresVersion1Snapshot_resolvesOnRestoredTimer() throws Exception {
        harness = open(goldenSnapshot(), JOB_STATE_TTL);

        harness.processWatermark(T0.plus(Duration.ofHours(3)).toEpochMilli());

        List<AnomalyAlert> restored = records();
        assertThat(restored).extracting(AnomalyAlert::getStatus).containsExactly(AlertStatus.RESOLVED);
        assertThat(restored.get(0).getIncidentId()).isEqualTo(goldenIncidentId());
        assertThat(restored.get(0).getWindowStart()).as("from the OPEN record's window end").isEqualTo(T0);
        assertThat(restored.get(0).getWindowEnd()).isEqualTo(T0.plus(Duration.ofMinutes(80)));
    }

    @Test
    void restoresVersion1Snapshot_withTtlDisabled() throws Exception {
        harness = open(goldenSnapshot(), Duration.ZERO);

        harness.processWatermark(T0.plus(Duration.ofHours(3)).toEpochMilli());

        List<AnomalyAlert> restored = records();
        assertThat(restored).as("state written with state.ttl 7 d, restored with 0")
                .extracting(AnomalyAlert::getStatus).containsExactly(AlertStatus.RESOLVED);
        assertThat(restored.get(0).getIncidentId()).isEqualTo(goldenIncidentId());
    }

    /**
     * Writes the golden snapshot of the current state version, with the job's default {@code
     * state.ttl}, that a later version's migration test restores: an incident of key {@code web-1}
     * opened at T0 and updated at T0 + 20 min, with its resolution timer. Runs only with {@code
     * -Dfmad.write-incident-snapshot=DIR}: run it before bumping {@link IncidentState#VERSION} and
     * copy the file into this package's test resources.
     */
    @Test
    void writeGoldenSnapshot() throws Exception {
        String directory = System.getProperty("fmad.write-incident-snapshot");
        harness = open(null, JOB_STATE_TTL);
        Assumptions.assumeTrue(directory != null, "set fmad.write-incident-snapshot to write the snapshot");
        send(candidate("web-1", 0, AlertStatus.OPEN, Severity.MEDIUM));
        send(candidate("web-1", 20, AlertStatus.UPDATE, Severity.MEDIUM));
        assertThat(records()).extracting(AnomalyAlert::getStatus).containsExactly(AlertStatus.OPEN, AlertStatus.UPDATE);

        OperatorSnapshotUtil.writeStateHandle(
                harness.snapshot(1L, 1L), directory + "/incident-state-v" + IncidentState.VERSION + ".snapshot");
    }

    private OperatorSubtaskState goldenSnapshot() throws Exception {
        return OperatorSnapshotUtil.readStateHandle(getClass().getResource("incident-state-v1.snapshot").getPath());
    }

    private static String goldenIncidentId() {
        AnomalyAlert opening = candidate("web-1", 0, AlertStatus.OPEN, Severity.MEDIUM);
        return IncidentTracker.incidentId("web-1", opening.getDetector().toString(), T0.toEpochMilli());
    }

    private KeyedOneInputStreamOperatorTestHarness<String, AnomalyAlert, AnomalyAlert> open(OperatorSubtaskState state)
            throws Exception {
        return open(state, Duration.ZERO);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, AnomalyAlert, AnomalyAlert> open(
            OperatorSubtaskState state, Duration stateTtl) throws Exception {
        var opened = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new IncidentOperator(SETTINGS, stateTtl)),
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
