package io.fmad.job.incident;

import io.fmad.avro.AnomalyAlert;
import io.fmad.job.state.KeyedStateExpiry;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Turns the detectors' alert candidates into incident records ({@link IncidentTracker}), keyed by
 * {@link #incidentKey}: a key's metric and log anomalies are separate incidents.
 *
 * <p>An incident resolves on an event-time timer at its newest anomalous window plus the quiet
 * period, so a key that stops sending data still resolves once the watermark passes. A timer that
 * fires inside a suppression window waits for the window's end. A candidate later than that time
 * resolves the incident first, even when the watermark has not reached it yet, so the records are
 * the same however far the watermark lags, and a replay after a failure writes the same records.
 * When the job's bounded input ends, the final watermark resolves every open incident.
 *
 * <p>Metrics, in the group {@code incidents}: {@code opened}, {@code updated}, {@code resolved},
 * {@code coalesced} (candidates that extended an incident without a record), {@code suppressed}
 * and {@code withoutIncident} (held-back candidates of keys without an open incident).
 */
public class IncidentOperator extends KeyedProcessFunction<String, AnomalyAlert, AnomalyAlert> {

    private static final long serialVersionUID = 1L;

    /** Accumulator with the number of records emitted, for the local runner and tests. */
    public static final String RECORDS_ACCUMULATOR = "incidentRecords";

    /** Prefix of the accumulators with the number of incidents opened, per detector name. */
    public static final String OPENED_ACCUMULATOR_PREFIX = "incidentsOpened.";

    private final IncidentSettings settings;
    private final Duration stateTtl;

    private transient IncidentTracker tracker;
    private transient ValueState<IncidentState> state;
    private transient Counter opened;
    private transient Counter updated;
    private transient Counter resolved;
    private transient Counter coalesced;
    private transient Counter suppressed;
    private transient Counter withoutIncident;

    /**
     * @param stateTtl how long an incident without any candidate is kept; it resolves long before
     *     unless the watermark stalls
     */
    public IncidentOperator(IncidentSettings settings, Duration stateTtl) {
        this.settings = settings;
        this.stateTtl = stateTtl;
    }

    /** Returns the key the incident stage partitions by: the alert's key and its detector. */
    public static String incidentKey(AnomalyAlert alert) {
        return alert.getKey() + '\u0000' + alert.getDetector();
    }

    @Override
    public void open(OpenContext openContext) {
        tracker = new IncidentTracker(settings);
        state = getRuntimeContext().getState(
                KeyedStateExpiry.expireAfterWrite(
                        new ValueStateDescriptor<>("incident", TypeInformation.of(IncidentState.class)), stateTtl));
        var metrics = getRuntimeContext().getMetricGroup().addGroup("incidents");
        opened = metrics.counter("opened");
        updated = metrics.counter("updated");
        resolved = metrics.counter("resolved");
        coalesced = metrics.counter("coalesced");
        suppressed = metrics.counter("suppressed");
        withoutIncident = metrics.counter("withoutIncident");
    }

    @Override
    public void processElement(AnomalyAlert candidate, Context ctx, Collector<AnomalyAlert> out) throws Exception {
        IncidentState current = state.value();
        if (current != null && current.version != IncidentState.VERSION) {
            current = null;
        }
        if (current != null && candidate.getWindowEnd().toEpochMilli() > tracker.resolvesAt(current)) {
            // The incident ended before this candidate in event time; its timer has not fired only
            // because the watermark lags (another subtask or branch is behind). Resolve it first, so
            // the records do not depend on how far the watermark has come.
            resolve(current, out);
            current = null;
        }
        IncidentTracker.Step step = tracker.onCandidate(current, candidate);
        switch (step.outcome()) {
            case OPENED -> opened.inc();
            case UPDATED -> updated.inc();
            case COALESCED -> coalesced.inc();
            case SUPPRESSED -> suppressed.inc();
            case NO_INCIDENT -> withoutIncident.inc();
        }
        if (step.record() != null) {
            emit(step.record(), out);
            if (step.outcome() == IncidentTracker.Outcome.OPENED) {
                getRuntimeContext().getLongCounter(OPENED_ACCUMULATOR_PREFIX + candidate.getDetector()).add(1L);
            }
        }
        if (step.state() != null) {
            state.update(step.state());
            ctx.timerService().registerEventTimeTimer(tracker.resolveAt(step.state()));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AnomalyAlert> out) throws Exception {
        IncidentState current = state.value();
        if (current == null || timestamp < tracker.resolveAt(current)) {
            // An older timer of an incident that a later window extended, or of one already resolved.
            return;
        }
        long resolvesAt = tracker.resolvesAt(current);
        if (timestamp < resolvesAt) {
            // The quiet period ends inside a suppression window: resolve at the window's end.
            ctx.timerService().registerEventTimeTimer(resolvesAt);
            return;
        }
        resolve(current, out);
    }

    private void resolve(IncidentState current, Collector<AnomalyAlert> out) throws Exception {
        emit(tracker.resolve(current), out);
        resolved.inc();
        state.clear();
    }

    private void emit(AnomalyAlert record, Collector<AnomalyAlert> out) {
        out.collect(record);
        getRuntimeContext().getLongCounter(RECORDS_ACCUMULATOR).add(1L);
    }
}
