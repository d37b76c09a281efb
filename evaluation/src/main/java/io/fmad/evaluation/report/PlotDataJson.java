package io.fmad.evaluation.report;

import java.util.List;

/**
 * Writes the plot data that the report's script draws from, as one JSON document.
 *
 * <p>Layout: {@code {"detectors": [name...], "colors": [css color...], "series": [...]}}, one series entry per
 * {@link ReportData#series()} in the same order, each with {@code t0} (epoch ms), {@code end} and {@code t} (bucket
 * offsets in ms from {@code t0}), {@code v} (two values per bucket, see {@link PlotSeries}), {@code windows}
 * ({@code [startOffset, endOffset]} pairs), {@code probation} (offset of the first scored row, or {@code null}
 * without a probationary period) and {@code d}: per detector its index into {@code detectors}, threshold
 * {@code th}, scores {@code s} and detection offsets {@code x}.
 */
final class PlotDataJson {

    private PlotDataJson() {
    }

    static String write(List<String> detectorNames, List<String> colors, List<SeriesReport> series, int buckets) {
        StringBuilder out = new StringBuilder(64 * 1024);
        out.append("{\"detectors\":[");
        for (int i = 0; i < detectorNames.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Json.string(out, detectorNames.get(i));
        }
        out.append("],\"colors\":[");
        for (int i = 0; i < colors.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Json.string(out, colors.get(i));
        }
        out.append("],\"series\":[");
        for (int i = 0; i < series.size(); i++) {
            if (i > 0) {
                out.append(",\n");
            }
            appendSeries(out, series.get(i), Downsampler.downsample(series.get(i), buckets), detectorNames);
        }
        out.append("]}");
        return out.toString();
    }

    private static void appendSeries(StringBuilder out, SeriesReport series, PlotSeries plot,
                                     List<String> detectorNames) {
        out.append("{\"t0\":").append(plot.startMs());
        out.append(",\"end\":").append(plot.endOffsetMs());
        out.append(",\"t\":");
        Json.longs(out, plot.bucketOffsetsMs());
        out.append(",\"v\":");
        Json.values(out, plot.values());

        out.append(",\"windows\":[");
        List<long[]> windows = series.labeledWindows();
        for (int w = 0; w < windows.size(); w++) {
            if (w > 0) {
                out.append(',');
            }
            out.append('[').append(windows.get(w)[0] - plot.startMs()).append(',')
                    .append(windows.get(w)[1] - plot.startMs()).append(']');
        }
        out.append(']');

        out.append(",\"probation\":");
        int probationaryRows = Math.min(series.probationaryRows(), series.rows());
        if (probationaryRows == 0) {
            out.append("null");
        } else if (probationaryRows == series.rows()) {
            out.append(plot.endOffsetMs());
        } else {
            out.append(series.timestamps()[probationaryRows] - plot.startMs());
        }

        out.append(",\"d\":[");
        for (int d = 0; d < series.detectors().size(); d++) {
            DetectorSeries detector = series.detectors().get(d);
            if (d > 0) {
                out.append(',');
            }
            out.append("{\"i\":").append(detectorNames.indexOf(detector.detector()));
            out.append(",\"th\":");
            Json.score(out, detector.threshold());
            out.append(",\"s\":");
            Json.scores(out, plot.scores().get(d));
            out.append(",\"x\":");
            Json.longs(out, plot.detectionOffsetsMs().get(d));
            out.append('}');
        }
        out.append("]}");
    }
}
