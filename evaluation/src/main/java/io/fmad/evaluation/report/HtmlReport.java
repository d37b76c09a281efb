package io.fmad.evaluation.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes an evaluation report as one self-contained HTML file: tables of the corpus-wide and per-file scores, and
 * a plot per series of its values, labeled windows, detector scores, thresholds and detections.
 *
 * <p>The file loads nothing: its CSS, script and plot data are inline, the plots are drawn on canvases, and a
 * Content-Security-Policy forbids the browser any request. Each series is reduced to at most
 * {@value Downsampler#DEFAULT_BUCKETS} time buckets of minimum and maximum (see {@link Downsampler}). A synthetic
 * corpus of NAB's size (58 files, 365,551 rows, 3 detectors) gives a file of about 6 MB. Detections are kept
 * unreduced, so a detector that fires on most rows makes the file grow with the row count, by about 8 bytes per
 * detection.
 */
public final class HtmlReport {

    private static final String RESOURCES = "/io/fmad/evaluation/report/";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private HtmlReport() {
    }

    /**
     * Writes the report to a file, replacing it if it exists and creating missing parent folders.
     *
     * @throws IOException if the file cannot be written
     */
    public static void write(ReportData data, Path file) throws IOException {
        String html = render(data);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, html, StandardCharsets.UTF_8);
    }

    /** Returns the report as an HTML document. */
    static String render(ReportData data) {
        List<String> detectorNames = detectorNames(data);
        Palette palette = new Palette(detectorNames);
        return fillTemplate(resource("report.html"), Map.of(
                "title", Html.escape(data.title()),
                "css", resource("report.css"),
                "header", header(data),
                "summary", summary(data, palette),
                "files", files(data, detectorNames, palette),
                "plots", plots(data, detectorNames, palette),
                "data", PlotDataJson.write(detectorNames, palette.colors(), data.series(),
                        Downsampler.DEFAULT_BUCKETS),
                "script", resource("report.js")));
    }

    /** Returns every detector name, those of the summaries first, each once. */
    private static List<String> detectorNames(ReportData data) {
        Set<String> names = new LinkedHashSet<>();
        data.detectors().forEach(detector -> names.add(detector.detector()));
        data.series().forEach(series -> series.detectors().forEach(detector -> names.add(detector.detector())));
        return new ArrayList<>(names);
    }

    private static String header(ReportData data) {
        long rows = data.series().stream().mapToLong(SeriesReport::rows).sum();
        long windows = data.series().stream().mapToLong(series -> series.labeledWindows().size()).sum();
        return "<h1>" + Html.escape(data.title()) + "</h1>\n<dl class=\"facts\">\n"
                + "<dt>Generated</dt><dd>" + TIME.format(data.generatedAt()) + "</dd>\n"
                + "<dt>Corpus</dt><dd>" + Html.escape(data.corpusName()) + " &middot; " + data.series().size()
                + " series &middot; " + String.format(Locale.ROOT, "%,d", rows) + " rows &middot; " + windows
                + " labeled windows</dd>\n"
                + "<dt>Command</dt><dd><code>" + Html.escape(data.command()) + "</code></dd>\n</dl>\n";
    }

    private static String summary(ReportData data, Palette palette) {
        StringBuilder out = new StringBuilder();
        out.append("<p>NAB normalized scores at each profile's best threshold: 0 is the null detector, 100 a "
                + "perfect one. Rows marked &ldquo;alerts it emits&rdquo; score, under the standard profile, the "
                + "alerts the detector raises in production at its configured alert threshold.</p>\n");
        ReportTables.appendScoreTable(out, data.detectors(), palette);
        out.append("<h3>Thresholds and counts</h3>\n<p>Counts of scored rows, as NAB counts them: TP rows have a "
                + "detection inside a labeled window, FN rows are inside a window without one, FP rows have a "
                + "detection outside every window, and TN rows have neither.</p>\n");
        ReportTables.appendThresholdTable(out, data.detectors(), palette);
        return out.toString();
    }

    private static String files(ReportData data, List<String> detectorNames, Palette palette) {
        StringBuilder out = new StringBuilder();
        out.append("<p>Raw NAB score of each file under the standard profile: for a detector that emits alerts, of"
                + " its alerts; for the others, at their corpus-wide best threshold. "
                + "Click a column heading to sort by it (numbers ascending first, so the worst files come to the "
                + "top), and a file name to go to its plot.</p>\n");
        ReportTables.appendFileTable(out, data.series(), detectorNames, palette);
        return out.toString();
    }

    private static String plots(ReportData data, List<String> detectorNames, Palette palette) {
        StringBuilder out = new StringBuilder();
        out.append("<div class=\"toolbar\" id=\"toolbar\"><span>Show scores of:</span>");
        for (int d = 0; d < detectorNames.size(); d++) {
            String name = Html.escape(detectorNames.get(d));
            out.append("<label><input type=\"checkbox\" checked data-detector=\"").append(d).append("\">")
                    .append(palette.swatch(detectorNames.get(d))).append(name).append("</label>");
        }
        out.append("<span class=\"key\"><span class=\"key-window\"></span>labeled window"
                + "<span class=\"key-probation\"></span>probationary period (not scored)"
                + "<span class=\"key-line\"></span>threshold (dashed)"
                + "<span>&#9650; detection in a window, &#9661; outside, grey &#9650; in the probationary period (not"
                + " scored)</span></span>"
                + "<a href=\"#files\">back to the file table</a></div>\n");

        for (int i = 0; i < data.series().size(); i++) {
            appendSeries(out, i, data.series().get(i), detectorNames, palette);
        }
        return out.toString();
    }

    private static void appendSeries(StringBuilder out, int index, SeriesReport series, List<String> detectorNames,
                                     Palette palette) {
        out.append("<section class=\"series\" id=\"series-").append(index).append("\" data-index=\"").append(index)
                .append("\">\n<h3>").append(Html.escape(series.name())).append("</h3>\n<p class=\"meta\">")
                .append(String.format(Locale.ROOT, "%,d", series.rows())).append(" rows");
        if (series.rows() > 0) {
            out.append(" from ").append(TIME.format(Instant.ofEpochMilli(series.timestamps()[0])))
                    .append(" to ").append(TIME.format(Instant.ofEpochMilli(series.timestamps()[series.rows() - 1])));
        }
        out.append(" &middot; ").append(series.labeledWindows().isEmpty() ? "no labeled windows"
                        : series.labeledWindows().size() + " labeled window"
                        + (series.labeledWindows().size() == 1 ? "" : "s"))
                .append(" &middot; first ").append(series.probationaryRows()).append(" rows probationary</p>\n");
        out.append("<div class=\"chart\"><canvas></canvas><div class=\"tooltip\" hidden></div></div>\n");

        out.append("<table class=\"series-detectors\"><thead><tr><th>Detector</th><th class=\"num\">Threshold</th>"
                + "<th class=\"num\">File score</th><th class=\"num\">TP</th><th class=\"num\">FP</th>"
                + "<th class=\"num\">FN</th><th class=\"num\">Detections</th></tr></thead><tbody>");
        for (String detectorName : detectorNames) {
            DetectorSeries detector = ReportTables.find(series, detectorName);
            if (detector == null) {
                continue;
            }
            int detections = 0;
            for (boolean detection : detector.detections()) {
                detections += detection ? 1 : 0;
            }
            out.append("<tr><td>").append(palette.swatch(detectorName)).append(Html.escape(detectorName))
                    .append("</td><td class=\"num\">").append(Html.fixed(detector.threshold(), 4))
                    .append("</td><td class=\"num\">").append(Html.fixed(detector.standardFileScore(), 3))
                    .append("</td><td class=\"num\">").append(detector.tp())
                    .append("</td><td class=\"num\">").append(detector.fp())
                    .append("</td><td class=\"num\">").append(detector.fn())
                    .append("</td><td class=\"num\">").append(detections).append("</td></tr>");
        }
        out.append("</tbody></table>\n</section>\n");
    }

    /**
     * Replaces each {@code {{key}}} of a template in one pass, so placeholder text inside a substituted value stays
     * as it is.
     */
    static String fillTemplate(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder(template.length() + values.values().stream()
                .mapToInt(String::length).sum());
        int position = 0;
        while (true) {
            int open = template.indexOf("{{", position);
            if (open < 0) {
                break;
            }
            int close = template.indexOf("}}", open);
            if (close < 0) {
                break;
            }
            String key = template.substring(open + 2, close);
            String value = values.get(key);
            if (value == null) {
                throw new IllegalStateException("Report template has an unknown placeholder {{" + key + "}}");
            }
            out.append(template, position, open).append(value);
            position = close + 2;
        }
        return out.append(template, position, template.length()).toString();
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("Report resource " + RESOURCES + name + " is missing from the "
                        + "class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read report resource " + RESOURCES + name, e);
        }
    }
}
