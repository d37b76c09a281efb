package io.fmad.job.incident;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Severity;
import io.fmad.job.incident.IncidentTracker.Outcome;
import io.fmad.job.incident.IncidentTracker.Step;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

class IncidentTrackerTest {

    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private final IncidentTracker tracker = new IncidentTracker(
            new IncidentSettings(Duration.ofHours(1), Duration.ofMinutes(15), List.of()));

    @Test
    void openCandidate_opensIncident() {
        Step step = tracker.onCandidate(null, candidate("web-1", 0, AlertStatus.OPEN, Severity.MEDIUM));

        assertThat(step.outcome()).isEqualTo(Outcome.OPENED);
        assertThat(step.record().getStatus()).isEqualTo(AlertStatus.OPEN);
        assertThat(step.record().getSequence()).isZero();
        assertThat(step.record().getIncidentId())
                .isEqualTo(IncidentTracker.incidentId("web-1", "window-anomaly", T0.toEpochMilli()));
        assertThat(step.record().getIncidentStart()).isEqualTo(T0);
        assertThat(tracker.resolveAt(step.state())).isEqualTo(T0.plus(Duration.ofHours(1)).toEpochMilli());
    }

    @Test
    void updateCandidate_withoutIncidentDropped() {
        Step step = tracker.onCandidate(null, candidate("web-1", 0, AlertStatus.UPDATE, Severity.MEDIUM));

        assertThat(step.outcome()).isEqualTo(Outcome.NO_INCIDENT);
        assertThat(step.record()).isNull();
        assertThat(step.state()).isNull();
    }

    @Test
    void candidates_coalescedUntilUpdateInterval() {
        IncidentState state = tracker.onCandidate(null, candidate("web-1", 0, AlertStatus.OPEN, Severity.MEDIUM)).state();

        Step early = tracker.onCandidate(state, candidate("web-1", 5, AlertStatus.UPDATE, Severity.MEDIUM));
        Step later = tracker.onCandidate(state, candidate("web-1", 10, AlertStatus.UPDATE, Severity.LOW));
        Step due = tracker.onCandidate(state, candidate("web-1", 15, AlertStatus.UPDATE, Severity.LOW));

        assertThat(early.outcome()).isEqualTo(Outcome.COALESCED);
        assertThat(later.outcome()).isEqualTo(Outcome.COALESCED);
        assertThat(due.outcome()).isEqualTo(Outcome.UPDATED);
        assertThat(due.record().getStatus()).isEqualTo(AlertStatus.UPDATE);
        assertThat(due.record().getSequence()).isEqualTo(1);
        assertThat(due.record().getIncidentId()).isEqualTo(state.incidentId);
        assertThat(tracker.resolveAt(state)).isEqualTo(T0.plus(Duration.ofMinutes(75)).toEpochMilli());
    }

    @Test
    void raisedAlert_ofOpenIncidentUpdatesAtOnce() {
        IncidentState state = tracker.onCandidate(null, candidate("web-1", 0, AlertStatus.OPEN, Severity.MEDIUM)).state();

        Step step = tracker.onCandidate(state, candidate("web-1", 5, AlertStatus.OPEN, Severity.LOW));

        assertThat(step.outcome()).isEqualTo(Outcome.UPDATED);
        assertThat(step.record().getStatus()).isEqualTo(AlertStatus.UPDATE);
        assertThat(step.record().getIncidentId()).isEqualTo(state.incidentId);
    }

    @Test
    void risingSeverity_updatesAtOnce() {
        IncidentState state = tracker.onCandidate(null, candidate("web-1", 0, AlertStatus.OPEN, Severity.LOW)).state();

        Step step = tracker.onCandidate(state, candidate("web-1", 5, AlertStatus.UPDATE, Severity.CRITICAL));

        assertThat(step.outcome()).isEqualTo(Outcome.UPDATED);
        assertThat(state.peakSeverity).isEqualTo(Severity.CRITICAL.ordinal());
    }

    @Test
    void resolve_buildsRecordAfterQuietPeriod() {
        IncidentState state = tracker.onCandidate(null, candidate("web-1", 0, AlertStatus.OPEN, Severity.HIGH)).state();
        tracker.onCandidate(state, candidate("web-1", 20, AlertStatus.UPDATE, Severity.HIGH));

        AnomalyAlert resolved = tracker.resolve(state);

        assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.getWindowStart()).isEqualTo(T0);
        assertThat(resolved.getWindowEnd()).isEqualTo(T0.plus(Duration.ofMinutes(80)));
        assertThat(resolved.getSequence()).isEqualTo(2);
        assertThat(resolved.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(resolved.getAlertId()).isEqualTo(tracker.resolve(state).getAlertId());
    }

    @Test
    void suppressedKey_opensNothingButExtendsIncident() {
        IncidentTracker suppressing = new IncidentTracker(new IncidentSettings(
                Duration.ofHours(1), Duration.ofMinutes(15),
                List.of(SuppressionWindow.parse("db-*@2026-12-01T00:30:00Z/2026-12-01T02:00:00Z"))));
        IncidentState state = suppressing.onCandidate(null, candidate("db-1", 0, AlertStatus.OPEN, Severity.HIGH)).state();

        Step during = suppressing.onCandidate(state, candidate("db-1", 45, AlertStatus.UPDATE, Severity.CRITICAL));
        Step other = suppressing.onCandidate(null, candidate("db-2", 45, AlertStatus.OPEN, Severity.HIGH));
        Step web = suppressing.onCandidate(null, candidate("web-1", 45, AlertStatus.OPEN, Severity.HIGH));

        assertThat(during.outcome()).isEqualTo(Outcome.SUPPRESSED);
        assertThat(during.record()).isNull();
        assertThat(state.lastAnomalous).isEqualTo(T0.plus(Duration.ofMinutes(45)).toEpochMilli());
        assertThat(other.outcome()).isEqualTo(Outcome.SUPPRESSED);
        assertThat(other.state()).isNull();
        assertThat(web.outcome()).isEqualTo(Outcome.OPENED);
        assertThat(suppressing.resolvesAt(state)).isEqualTo(Instant.parse("2026-12-01T02:00:00Z").toEpochMilli());
        assertThat(tracker.resolvesAt(state)).isEqualTo(tracker.resolveAt(state));
    }

    static AnomalyAlert candidate(String key, int minutes, AlertStatus status, Severity severity) {
        Instant end = T0.plus(Duration.ofMinutes(minutes));
        return AnomalyAlert.newBuilder()
                .setAlertId(key + "-" + minutes)
                .setKey(key)
                .setWindowStart(end.minus(Duration.ofHours(5)))
                .setWindowEnd(end)
                .setScore(0.9995)
                .setThreshold(0.999)
                .setSeverity(severity)
                .setModelId("fmad-ts-fm")
                .setModelVersion("3")
                .setDetector("window-anomaly")
                .setContributions(Map.of("cpu", 1.0))
                .setStatistics(Map.of())
                .setExplanation(null)
                .setStatus(status)
                .build();
    }
}
