package io.fmad.evaluation.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builds report data from seeded synthetic series, shaped like NAB files: 5-minute rows with spikes. */
final class SyntheticReports {

    static final long START_MS = Instant.parse("2014-02-14T00:00:00Z").toEpochMilli();
    static final long ROW_MS = 5 * 60_000L;

    private SyntheticReports() {
    }

    /**
     * Returns a series with one spike per labeled window and, per detector, noisy scores that rise at each spike.
     * The first detector scores the spikes highest and has the least noise; later detectors are noisier.
     */
    static SeriesReport series(String name, int rows, int windowCount, List<String> detectors, long seed) {
        Random random = new Random(seed);
        long[] timestamps = new long[rows];
        double[] values = new double[rows];
        for (int row = 0; row < rows; row++) {
            timestamps[row] = START_MS + row * ROW_MS;
            values[row] = 50 + 20 * Math.sin(row * 2 * Math.PI / 288) + 3 * random.nextGaussian();
        }

        int probationaryRows = Math.min(rows * 15 / 100, 750);
        List<long[]> windows = new ArrayList<>();
        int[] spikes = new int[windowCount];
        for (int w = 0; w < windowCount; w++) {
            spikes[w] = probationaryRows + (rows - probationaryRows) * (2 * w + 1) / (2 * windowCount);
            values[spikes[w]] += 80;
            int halfWidth = Math.max(rows / (20 * windowCount), 2);
            windows.add(new long[] {timestamps[Math.max(spikes[w] - halfWidth, 0)],
                                    timestamps[Math.min(spikes[w] + halfWidth, rows - 1)]});
        }

        List<DetectorSeries> detectorSeries = new ArrayList<>();
        for (int d = 0; d < detectors.size(); d++) {
            double[] scores = new double[rows];
            boolean[] detections = new boolean[rows];
            double threshold = 0.8 - 0.1 * d;
            for (int row = 0; row < rows; row++) {
                scores[row] = Math.min(1, Math.abs(random.nextGaussian()) * (0.05 + 0.06 * d));
            }
            for (int spike : spikes) {
                for (int k = 0; k < 6 && spike + k < rows; k++) {
                    scores[spike + k] = Math.max(scores[spike + k], (d == 0 ? 0.98 : 0.7) - 0.05 * k);
                }
            }
            int tp = 0;
            int fp = 0;
            for (int row = probationaryRows; row < rows; row++) {
                detections[row] = scores[row] >= threshold;
                if (detections[row]) {
                    if (inWindow(windows, timestamps[row])) {
                        tp++;
                    } else {
                        fp++;
                    }
                }
            }
            int found = Math.min(tp, windowCount);
            detectorSeries.add(new DetectorSeries(detectors.get(d), scores, threshold, detections,
                    found - 0.11 * fp - (windowCount - found), found, fp, windowCount - found));
        }
        return new SeriesReport(name, timestamps, values, windows, probationaryRows, detectorSeries);
    }

    /** Returns a constant series without labeled windows, on which every detector scores zero and never fires. */
    static SeriesReport constantSeries(String name, int rows, List<String> detectors) {
        long[] timestamps = new long[rows];
        double[] values = new double[rows];
        for (int row = 0; row < rows; row++) {
            timestamps[row] = START_MS + row * ROW_MS;
            values[row] = 42.0;
        }
        List<DetectorSeries> detectorSeries = new ArrayList<>();
        for (String detector : detectors) {
            detectorSeries.add(new DetectorSeries(detector, new double[rows], 1.0, new boolean[rows], 0, 0, 0, 0));
        }
        return new SeriesReport(name, timestamps, values, List.of(), Math.min(rows * 15 / 100, 750),
                detectorSeries);
    }

    private static boolean inWindow(List<long[]> windows, long timestamp) {
        for (long[] window : windows) {
            if (timestamp >= window[0] && timestamp <= window[1]) {
                return true;
            }
        }
        return false;
    }

    /** Returns summaries with fixed scores, the first detector with an alert threshold. */
    static List<DetectorSummary> summaries(List<String> detectors) {
        List<DetectorSummary> summaries = new ArrayList<>();
        for (int d = 0; d < detectors.size(); d++) {
            double base = 70.25 - 17.5 * d;
            summaries.add(new DetectorSummary(detectors.get(d), Map.of(
                    DetectorSummary.STANDARD, new ProfileSummary(base, 0.81 - 0.1 * d, 80, 40 + d, 36, 200_000),
                    DetectorSummary.LOW_FP, new ProfileSummary(base - 8.5, 0.9, 70, 20, 46, 200_100),
                    DetectorSummary.LOW_FN, new ProfileSummary(base + 4.75, 0.7, 90, 90, 26, 199_900)),
                    d == 0 ? Map.of(
                            DetectorSummary.STANDARD, new ProfileSummary(61.5, 0.9, 75, 22, 41, 200_050),
                            DetectorSummary.LOW_FP, new ProfileSummary(55.25, 0.9, 75, 22, 41, 200_050),
                            DetectorSummary.LOW_FN, new ProfileSummary(66.75, 0.9, 75, 22, 41, 200_050))
                            : Map.of()));
        }
        return summaries;
    }

    static ReportData report(List<SeriesReport> series, List<String> detectors) {
        return new ReportData("fmad on NAB <synthetic>", Instant.parse("2025-01-02T03:04:05Z"),
                "fmad evaluate --corpus nab --detectors " + String.join(",", detectors) + " --out 'report & more'",
                "NAB (synthetic)", summaries(detectors), series);
    }
}
