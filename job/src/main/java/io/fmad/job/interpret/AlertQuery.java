package io.fmad.job.interpret;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.ValueStatistics;
import io.fmad.job.logs.LogNoveltyDetector;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the retrieval query text of an alert in words a runbook would use. For a metric alert it
 * names each value that drove the score, with its direction and its distance from the key's
 * baseline mean in baseline standard deviations. The summary a detector wrote itself and the key
 * follow. For a log-novelty alert it is the line's level and new template, then the key.
 *
 * <p>The raw window values are left out and the key comes last, because MiniLM embeds the whole
 * text. With the key first and the maximum, baseline and last values in the text, the shipped
 * examples ranked a heap alert closer to "CPU saturation" than to "Memory leak".
 */
final class AlertQuery {

    /** Values described in a query, largest contribution first. */
    private static final int MAX_VALUES = 3;

    /** Distance from the baseline mean, in baseline standard deviations, described as "far". */
    private static final double FAR_SIGMAS = 3.0;

    private AlertQuery() {}

    static String build(AnomalyAlert alert) {
        if (LogNoveltyDetector.NAME.equals(alert.getDetector()) && alert.getExplanation() != null) {
            // The rest of the log detector's summary (the nearest known template and the rates)
            // describes normal lines and would pull the ranking towards them.
            String template = LogNoveltyDetector.newTemplateOf(alert.getExplanation().getSummary());
            if (template != null) {
                return template + ". Key " + alert.getKey() + ".";
            }
        }
        List<String> drivers = alert.getContributions().entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_VALUES)
                .map(Map.Entry::getKey)
                .filter(name -> alert.getStatistics().containsKey(name))
                .toList();

        StringBuilder query = new StringBuilder();
        for (String name : drivers) {
            query.append(describe(name, alert.getStatistics().get(name))).append(' ');
        }
        if (alert.getExplanation() != null) {
            query.append(alert.getExplanation().getSummary()).append(' ');
        }
        query.append("Key ").append(alert.getKey()).append('.');
        return query.toString();
    }

    /**
     * Describes one value, for example {@code disk used percent high, far above its baseline (9.4
     * standard deviations).}
     */
    private static String describe(String name, ValueStatistics statistics) {
        double baseline = statistics.getBaselineMean();
        double stddev = statistics.getBaselineStddev();
        boolean above = statistics.getMax() - baseline >= baseline - statistics.getMin();
        double extreme = above ? statistics.getMax() : statistics.getMin();
        double sigmas = stddev > 0 ? Math.abs(extreme - baseline) / stddev : 0.0;
        String distance = stddev > 0 ? String.format(Locale.ROOT, " (%.1f standard deviations)", sigmas) : "";
        // Underscores, dots and dashes split words for the tokenizer: "latency_ms" reads as "latency ms".
        return String.format(
                Locale.ROOT,
                "%s %s, %s%s its baseline%s.",
                name.replaceAll("[_.-]+", " "),
                above ? "high" : "low",
                sigmas >= FAR_SIGMAS ? "far " : "",
                above ? "above" : "below",
                distance);
    }
}
