package io.fmad.job.incident;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * The settings of the incident stage.
 *
 * @param quietPeriod event time without an anomalous window after which an incident resolves
 * @param updateInterval least event time between two UPDATE records of an incident, unless its
 *     severity rises
 * @param suppressions maintenance windows, during which no record is emitted
 */
public record IncidentSettings(Duration quietPeriod, Duration updateInterval, List<SuppressionWindow> suppressions)
        implements Serializable {

    public IncidentSettings {
        suppressions = List.copyOf(suppressions);
    }

    /** Returns the end of the suppression window that covers {@code key} at {@code time}, or -1 if none does. */
    public long suppressedUntil(String key, long time) {
        long until = -1;
        for (SuppressionWindow window : suppressions) {
            if (window.covers(key, time)) {
                until = Math.max(until, window.end());
            }
        }
        return until;
    }
}
