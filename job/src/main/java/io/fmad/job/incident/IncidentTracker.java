package io.fmad.job.incident;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Severity;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Groups a key's alert candidates into incidents: one OPEN record per episode, UPDATE records while
 * the key stays anomalous, and a RESOLVED record after the quiet period. Pure logic over an {@link
 * IncidentState}, so the operator and offline replays share it.
 *
 * <p>A detector emits a candidate for each window it finds anomalous: with status OPEN when its
 * alert policy would raise an alert, and UPDATE when the policy keeps the alert back (cooldown, not
 * re-armed). An OPEN candidate without an open incident opens one. Any candidate of an open
 * incident extends it. An OPEN candidate of an open incident becomes an UPDATE record, because the
 * detector found something new (a log detector's new template, say) and its policy already limits
 * how often. A held-back candidate becomes an UPDATE record only when the severity rises above the
 * incident's peak or when {@code updateInterval} has passed since the incident's last record, and
 * is coalesced otherwise. An UPDATE candidate without an open incident is dropped: the policy
 * held it back, and no incident is open to extend. Candidates of a key in a suppression window
 * extend an open incident but emit nothing.
 */
public final class IncidentTracker {

    /** The outcome of one candidate. */
    public enum Outcome {
        /** It opened an incident; the record is the OPEN record. */
        OPENED,
        /** It extended the open incident; the record is an UPDATE record. */
        UPDATED,
        /** It extended the open incident without a record. */
        COALESCED,
        /** It was an UPDATE candidate with no open incident, and was dropped. */
        NO_INCIDENT,
        /** Its key was in a suppression window; no record, and no incident opened. */
        SUPPRESSED
    }

    /**
     * The result of one candidate.
     *
     * @param state the incident after it, or null when none is open
     * @param record the record to emit, or null
     */
    public record Step(IncidentState state, AnomalyAlert record, Outcome outcome) {}

    private final IncidentSettings settings;

    public IncidentTracker(IncidentSettings settings) {
        this.settings = settings;
    }

    /** Applies {@code candidate} to the key's incident {@code state}, which may be null. */
    public Step onCandidate(IncidentState state, AnomalyAlert candidate) {
        long time = candidate.getWindowEnd().toEpochMilli();
        boolean suppressed = settings.suppressedUntil(candidate.getKey(), time) >= 0;
        if (state == null) {
            if (suppressed) {
                return new Step(null, null, Outcome.SUPPRESSED);
            }
            if (candidate.getStatus() != AlertStatus.OPEN) {
                return new Step(null, null, Outcome.NO_INCIDENT);
            }
            IncidentState opened = open(candidate, time);
            return new Step(opened, stamp(candidate, opened, AlertStatus.OPEN), Outcome.OPENED);
        }
        state.lastAnomalous = Math.max(state.lastAnomalous, time);
        if (suppressed) {
            return new Step(state, null, Outcome.SUPPRESSED);
        }
        int severity = candidate.getSeverity().ordinal();
        boolean raised = candidate.getStatus() == AlertStatus.OPEN;
        boolean rose = severity > state.peakSeverity;
        boolean due = time - state.lastEmitted >= settings.updateInterval().toMillis();
        state.peakSeverity = Math.max(state.peakSeverity, severity);
        state.peakScore = Math.max(state.peakScore, candidate.getScore());
        if (!raised && !rose && !due) {
            return new Step(state, null, Outcome.COALESCED);
        }
        state.sequence++;
        state.lastEmitted = time;
        return new Step(state, stamp(candidate, state, AlertStatus.UPDATE), Outcome.UPDATED);
    }

    /** Returns the event time (epoch milliseconds) at which {@code state} resolves if nothing extends it. */
    public long resolveAt(IncidentState state) {
        return state.lastAnomalous + settings.quietPeriod().toMillis();
    }

    /**
     * Returns the event time (epoch milliseconds) at which {@code state} resolves if nothing extends
     * it: {@link #resolveAt}, or the end of the suppression window that covers the key then, because
     * a RESOLVED record waits for the window's end.
     */
    public long resolvesAt(IncidentState state) {
        long at = resolveAt(state);
        long until = settings.suppressedUntil(state.key, at);
        return until >= 0 ? until : at;
    }

    /**
     * Returns the RESOLVED record of {@code state}, at {@link #resolvesAt}: no record is dated inside
     * a maintenance window.
     */
    public AnomalyAlert resolve(IncidentState state) {
        long end = resolvesAt(state);
        Severity peak = Severity.values()[state.peakSeverity];
        return AnomalyAlert.newBuilder()
                .setAlertId(uuid(state.incidentId + '\u0000' + "resolved"))
                .setKey(state.key)
                .setWindowStart(Instant.ofEpochMilli(state.start))
                .setWindowEnd(Instant.ofEpochMilli(end))
                .setScore(state.peakScore)
                .setThreshold(state.threshold)
                .setSeverity(peak)
                .setModelId(state.modelId)
                .setModelVersion(state.modelVersion)
                .setDetector(state.detector)
                .setContributions(Map.of())
                .setStatistics(Map.of())
                .setExplanation(null)
                .setStatus(AlertStatus.RESOLVED)
                .setIncidentId(state.incidentId)
                .setIncidentStart(Instant.ofEpochMilli(state.start))
                .setSequence(state.sequence + 1)
                .build();
    }

    /** Name-based UUID of the incident that {@code key}'s {@code detector} opened at {@code windowEnd}. */
    public static String incidentId(String key, String detector, long windowEnd) {
        return uuid(key + '\u0000' + detector + '\u0000' + windowEnd + '\u0000' + "incident");
    }

    private static IncidentState open(AnomalyAlert candidate, long time) {
        IncidentState state = new IncidentState();
        state.incidentId = incidentId(candidate.getKey(), candidate.getDetector(), time);
        state.key = candidate.getKey();
        state.detector = candidate.getDetector();
        state.start = time;
        state.lastAnomalous = time;
        state.lastEmitted = time;
        state.sequence = 0;
        state.peakSeverity = candidate.getSeverity().ordinal();
        state.peakScore = candidate.getScore();
        state.threshold = candidate.getThreshold();
        state.modelId = candidate.getModelId();
        state.modelVersion = candidate.getModelVersion();
        return state;
    }

    private static AnomalyAlert stamp(AnomalyAlert candidate, IncidentState state, AlertStatus status) {
        return AnomalyAlert.newBuilder(candidate)
                .setStatus(status)
                .setIncidentId(state.incidentId)
                .setIncidentStart(Instant.ofEpochMilli(state.start))
                .setSequence(state.sequence)
                .build();
    }

    private static String uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
