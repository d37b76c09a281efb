package io.fmad.connectors.tools;

import java.util.Locale;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Explanation;
import io.fmad.avro.RunbookReference;

/** Formats an {@link AnomalyAlert} as one readable line for consoles and logs. */
public final class AlertFormatter {

    private AlertFormatter() {}

    /**
     * Returns one line with the window end time (ISO-8601 UTC), status, key, score, threshold,
     * severity, detector and the explanation summary, for example {@code 2014-02-19T15:00:00Z OPEN
     * key=cpu-1 score=0.973 threshold=0.900 severity=HIGH detector=knn summary="CPU rose sharply"}.
     * Line breaks in the summary are replaced by spaces so that each alert stays on one line. The
     * incident follows as its id's first 8 characters and the record's sequence number, for example
     * {@code incident=3f2a9c1e#0}. When the
     * interpreter gave a likely cause and a next step, they follow, for example {@code cause="a
     * runaway process"}. When the explanation has runbook references, the line ends with the most
     * similar one and its cosine similarity, for example {@code runbook="Disk full" (0.62)}.
     */
    public static String format(AnomalyAlert alert) {
        Explanation explanation = alert.getExplanation();
        String summary;
        if (explanation == null) {
            summary = "(no explanation)";
        } else {
            summary = '"' + oneLine(explanation.getSummary()) + '"';
            if (explanation.getEnrichmentFailed()) {
                summary += " (fallback)";
            }
        }
        String line = String.format(
                Locale.ROOT,
                "%s %s key=%s score=%.4f threshold=%.4f severity=%s detector=%s summary=%s",
                alert.getWindowEnd(),
                alert.getStatus(),
                alert.getKey(),
                alert.getScore(),
                alert.getThreshold(),
                alert.getSeverity(),
                alert.getDetector(),
                summary);
        if (alert.getIncidentId() != null) {
            line += " incident=" + shortId(alert.getIncidentId()) + "#" + alert.getSequence();
        }
        if (explanation != null && explanation.getLikelyCause() != null) {
            line += " cause=\"" + oneLine(explanation.getLikelyCause()) + '"';
        }
        if (explanation != null && explanation.getNextStep() != null) {
            line += " next=\"" + oneLine(explanation.getNextStep()) + '"';
        }
        if (explanation != null && !explanation.getReferences().isEmpty()) {
            RunbookReference top = explanation.getReferences().get(0);
            line += String.format(Locale.ROOT, " runbook=\"%s\" (%.2f)", top.getTitle(), top.getSimilarity());
        }
        return line;
    }

    /** Returns the first 8 characters of a UUID: enough to tell a key's incidents apart. */
    private static String shortId(String id) {
        return id.length() <= 8 ? id : id.substring(0, 8);
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ");
    }
}
