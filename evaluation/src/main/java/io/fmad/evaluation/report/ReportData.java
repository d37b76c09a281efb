package io.fmad.evaluation.report;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything one evaluation report shows: where it came from, the corpus-wide scores of each detector and the
 * per-series data to plot.
 *
 * @param title the page title
 * @param generatedAt when the evaluation ran
 * @param command the command line that produced the report, shown verbatim
 * @param corpusName for example {@code NAB v1.1}
 * @param detectors one summary per detector, in the order the tables list them
 * @param series the scored series, in the order the report plots them
 */
public record ReportData(String title, Instant generatedAt, String command, String corpusName,
                         List<DetectorSummary> detectors, List<SeriesReport> series) {

    public ReportData {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(generatedAt, "generatedAt");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(corpusName, "corpusName");
        detectors = List.copyOf(detectors);
        series = List.copyOf(series);
    }
}
