/**
 * A self-contained HTML report of an anomaly-detection evaluation.
 *
 * <p>The caller fills a {@link io.fmad.evaluation.report.ReportData}: corpus-wide results per detector
 * ({@link io.fmad.evaluation.report.DetectorSummary}, {@link io.fmad.evaluation.report.ProfileSummary}) and per
 * series its rows, labeled windows and each detector's scores and detections
 * ({@link io.fmad.evaluation.report.SeriesReport}, {@link io.fmad.evaluation.report.DetectorSeries}).
 * {@link io.fmad.evaluation.report.HtmlReport#write} turns it into one HTML file that opens offline in any
 * browser. Its page template, style sheet and script are resources in this package's resource folder.
 */
package io.fmad.evaluation.report;
