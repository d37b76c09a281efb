package io.fmad.evaluation.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Renders the report's tables: corpus-wide scores, thresholds with counts, and the sortable per-file table. */
final class ReportTables {

    /** Column headings of the known NAB profiles. Any other profile id is shown as it is. */
    private static final Map<String, String> PROFILE_HEADINGS = Map.of(
            DetectorSummary.STANDARD, "Standard",
            DetectorSummary.LOW_FP, "Low FP",
            DetectorSummary.LOW_FN, "Low FN");

    private ReportTables() {
    }

    /** Returns the profile ids in table order: the three NAB profiles, then any other id in order of appearance. */
    static List<String> profileIds(List<DetectorSummary> detectors) {
        Set<String> ids = new LinkedHashSet<>(
                List.of(DetectorSummary.STANDARD, DetectorSummary.LOW_FP, DetectorSummary.LOW_FN));
        for (DetectorSummary detector : detectors) {
            ids.addAll(detector.byProfile().keySet());
        }
        return new ArrayList<>(ids);
    }

    static String profileHeading(String profileId) {
        return PROFILE_HEADINGS.getOrDefault(profileId, profileId);
    }

    /** Renders one row per detector with its normalized score under each profile, the best of each in bold. */
    static void appendScoreTable(StringBuilder out, List<DetectorSummary> detectors, Palette palette) {
        List<String> profiles = profileIds(detectors);
        out.append("<table class=\"scores\">\n<thead><tr><th>Detector</th>");
        for (String profile : profiles) {
            out.append("<th class=\"num\">").append(Html.escape(profileHeading(profile))).append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (DetectorSummary detector : detectors) {
            out.append("<tr><td>").append(palette.swatch(detector.detector()))
                    .append(Html.escape(detector.detector())).append("</td>");
            for (String profile : profiles) {
                appendScoreCell(out, detector.byProfile().get(profile), bestScore(detectors, profile));
            }
            out.append("</tr>\n");
        }
        for (DetectorSummary detector : detectors) {
            if (detector.alerts().isEmpty()) {
                continue;
            }
            ProfileSummary standard = detector.alerts().get(DetectorSummary.STANDARD);
            out.append("<tr class=\"alert-row\"><td>").append(palette.swatch(detector.detector()))
                    .append(Html.escape(detector.detector())).append(": alerts it emits");
            if (standard != null) {
                out.append(" (alert threshold ").append(Html.fixed(standard.threshold(), 4)).append(")");
            }
            out.append("</td>");
            for (String profile : profiles) {
                appendScoreCell(out, detector.alerts().get(profile), bestScore(detectors, profile));
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
    }

    private static void appendScoreCell(StringBuilder out, ProfileSummary summary, double best) {
        if (summary == null) {
            out.append("<td class=\"num\">&ndash;</td>");
            return;
        }
        out.append(summary.normalizedScore() == best ? "<td class=\"num best\">" : "<td class=\"num\">")
                .append(Html.fixed(summary.normalizedScore(), 2)).append("</td>");
    }

    /** Returns the best score under {@code profile}, over best thresholds and alert streams alike. */
    private static double bestScore(List<DetectorSummary> detectors, String profile) {
        double best = Double.NEGATIVE_INFINITY;
        for (DetectorSummary detector : detectors) {
            for (ProfileSummary summary : new ProfileSummary[] {detector.byProfile().get(profile), detector.alerts().get(profile)}) {
                if (summary != null && Double.isFinite(summary.normalizedScore())) {
                    best = Math.max(best, summary.normalizedScore());
                }
            }
        }
        return best;
    }

    /** Renders one row per detector and profile with the chosen threshold and the detection counts. */
    static void appendThresholdTable(StringBuilder out, List<DetectorSummary> detectors, Palette palette) {
        List<String> profiles = profileIds(detectors);
        out.append("<table class=\"thresholds\">\n<thead><tr><th>Detector</th><th>Profile</th>"
                + "<th class=\"num\">Threshold</th><th class=\"num\">Score</th><th class=\"num\">TP</th>"
                + "<th class=\"num\">FP</th><th class=\"num\">FN</th><th class=\"num\">TN</th></tr></thead>\n"
                + "<tbody>\n");
        for (DetectorSummary detector : detectors) {
            for (String profile : profiles) {
                ProfileSummary summary = detector.byProfile().get(profile);
                if (summary != null) {
                    appendThresholdRow(out, palette, detector.detector(), profileHeading(profile), summary, "");
                }
            }
            for (String profile : profiles) {
                ProfileSummary summary = detector.alerts().get(profile);
                if (summary != null) {
                    appendThresholdRow(out, palette, detector.detector(), profileHeading(profile) + ", alerts emitted",
                            summary, " class=\"alert-row\"");
                }
            }
        }
        out.append("</tbody>\n</table>\n");
    }

    private static void appendThresholdRow(StringBuilder out, Palette palette, String detector, String profile,
                                           ProfileSummary summary, String rowAttributes) {
        out.append("<tr").append(rowAttributes).append("><td>").append(palette.swatch(detector))
                .append(Html.escape(detector)).append("</td><td>").append(Html.escape(profile)).append("</td>")
                .append("<td class=\"num\">").append(Html.fixed(summary.threshold(), 4)).append("</td>")
                .append("<td class=\"num\">").append(Html.fixed(summary.normalizedScore(), 2)).append("</td>")
                .append("<td class=\"num\">").append(summary.tp()).append("</td>")
                .append("<td class=\"num\">").append(summary.fp()).append("</td>")
                .append("<td class=\"num\">").append(summary.fn()).append("</td>")
                .append("<td class=\"num\">").append(String.format(Locale.ROOT, "%,d", summary.tn()))
                .append("</td></tr>\n");
    }

    /**
     * Renders one row per series with each detector's standard file score and counts. Every body cell carries a
     * {@code data-sort} key, which the report's script sorts by when a heading with {@code data-col} is clicked.
     */
    static void appendFileTable(StringBuilder out, List<SeriesReport> series, List<String> detectorNames,
                                Palette palette) {
        out.append("<table class=\"files sortable\" id=\"file-table\">\n<thead><tr>"
                + "<th rowspan=\"2\" data-col=\"0\" data-type=\"text\">File</th>"
                + "<th rowspan=\"2\" class=\"num\" data-col=\"1\">Rows</th>"
                + "<th rowspan=\"2\" class=\"num\" data-col=\"2\">Windows</th>");
        for (String detector : detectorNames) {
            out.append("<th colspan=\"4\" class=\"group\">").append(palette.swatch(detector))
                    .append(Html.escape(detector)).append("</th>");
        }
        out.append("</tr>\n<tr>");
        int column = 3;
        for (int d = 0; d < detectorNames.size(); d++) {
            out.append("<th class=\"num\" data-col=\"").append(column++).append("\" title=\"Raw NAB score of the file "
                    + "under the standard profile\">Score</th>");
            out.append("<th class=\"num\" data-col=\"").append(column++).append("\">TP</th>");
            out.append("<th class=\"num\" data-col=\"").append(column++).append("\">FP</th>");
            out.append("<th class=\"num\" data-col=\"").append(column++).append("\">FN</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < series.size(); i++) {
            SeriesReport report = series.get(i);
            String name = Html.escape(report.name());
            out.append("<tr><td data-sort=\"").append(name).append("\"><a href=\"#series-").append(i).append("\">")
                    .append(name).append("</a></td>");
            appendCount(out, report.rows());
            appendCount(out, report.labeledWindows().size());
            for (String detectorName : detectorNames) {
                DetectorSeries detector = find(report, detectorName);
                if (detector == null) {
                    out.append("<td class=\"num\" data-sort=\"-1e308\">&ndash;</td>".repeat(4));
                    continue;
                }
                double score = detector.standardFileScore();
                out.append("<td class=\"num").append(score < 0 ? " negative" : "").append("\" data-sort=\"")
                        .append(Html.sortKey(score)).append("\">").append(Html.fixed(score, 3)).append("</td>");
                appendCount(out, detector.tp());
                appendCount(out, detector.fp());
                appendCount(out, detector.fn());
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
    }

    private static void appendCount(StringBuilder out, int count) {
        out.append("<td class=\"num\" data-sort=\"").append(count).append("\">").append(count).append("</td>");
    }

    static DetectorSeries find(SeriesReport series, String detectorName) {
        for (DetectorSeries detector : series.detectors()) {
            if (detector.detector().equals(detectorName)) {
                return detector;
            }
        }
        return null;
    }
}
