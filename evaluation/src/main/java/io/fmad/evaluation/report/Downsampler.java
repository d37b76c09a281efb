package io.fmad.evaluation.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reduces a series to at most a given number of time buckets for plotting. Each bucket keeps the minimum and the
 * maximum of the values and of every detector's scores, which is what a line drawn one bucket per pixel shows of
 * the full data. Detections are never reduced.
 */
final class Downsampler {

    /** Buckets per series: about one per horizontal pixel of the plot at its widest. */
    static final int DEFAULT_BUCKETS = 1500;

    private Downsampler() {
    }

    /**
     * Reduces one series.
     *
     * @param maxBuckets the maximum number of buckets, at least 1
     * @throws IllegalArgumentException if {@code maxBuckets} is less than 1
     */
    static PlotSeries downsample(SeriesReport series, int maxBuckets) {
        if (maxBuckets < 1) {
            throw new IllegalArgumentException("maxBuckets must be at least 1 but is " + maxBuckets);
        }
        long[] timestamps = series.timestamps();
        int rows = timestamps.length;
        if (rows == 0) {
            List<double[]> emptyScores = new ArrayList<>();
            List<long[]> emptyDetections = new ArrayList<>();
            for (int d = 0; d < series.detectors().size(); d++) {
                emptyScores.add(new double[0]);
                emptyDetections.add(new long[0]);
            }
            return new PlotSeries(0, 0, new long[0], new double[0], emptyScores, emptyDetections);
        }

        long startMs = timestamps[0];
        int[] bucketStarts = bucketStarts(timestamps, maxBuckets);
        long[] bucketOffsets = new long[bucketStarts.length - 1];
        for (int b = 0; b < bucketOffsets.length; b++) {
            bucketOffsets[b] = timestamps[bucketStarts[b]] - startMs;
        }

        List<double[]> scores = new ArrayList<>();
        List<long[]> detections = new ArrayList<>();
        for (DetectorSeries detector : series.detectors()) {
            scores.add(extremes(detector.scores(), bucketStarts));
            detections.add(detectionOffsets(detector.detections(), timestamps));
        }
        return new PlotSeries(startMs, timestamps[rows - 1] - startMs, bucketOffsets,
                extremes(series.values(), bucketStarts), scores, detections);
    }

    /**
     * Returns the first row of each non-empty bucket, followed by the row count. Buckets split the time range
     * evenly, so gaps in the data stay visible. Timestamps that are not ascending fall back to buckets of equal row
     * counts, which keeps the bound.
     */
    private static int[] bucketStarts(long[] timestamps, int maxBuckets) {
        int rows = timestamps.length;
        long spanMs = timestamps[rows - 1] - timestamps[0];
        boolean ascending = isAscending(timestamps);
        int[] starts = new int[Math.min(rows, maxBuckets) + 1];
        int count = 0;
        long previousBucket = -1;
        for (int row = 0; row < rows; row++) {
            long bucket;
            if (ascending && spanMs > 0) {
                // (t - t0) * maxBuckets stays far below Long.MAX_VALUE for any span of centuries in milliseconds.
                bucket = (timestamps[row] - timestamps[0]) * maxBuckets / (spanMs + 1);
            } else {
                bucket = (long) row * maxBuckets / rows;
            }
            if (bucket != previousBucket) {
                starts[count++] = row;
                previousBucket = bucket;
            }
        }
        starts[count++] = rows;
        return Arrays.copyOf(starts, count);
    }

    private static boolean isAscending(long[] timestamps) {
        for (int i = 1; i < timestamps.length; i++) {
            if (timestamps[i] < timestamps[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /** Returns two numbers per bucket, its minimum and maximum in order of occurrence, skipping NaN rows. */
    private static double[] extremes(double[] data, int[] bucketStarts) {
        int buckets = bucketStarts.length - 1;
        double[] out = new double[2 * buckets];
        for (int b = 0; b < buckets; b++) {
            int minRow = -1;
            int maxRow = -1;
            for (int row = bucketStarts[b]; row < bucketStarts[b + 1]; row++) {
                double value = data[row];
                if (Double.isNaN(value)) {
                    continue;
                }
                if (minRow < 0 || value < data[minRow]) {
                    minRow = row;
                }
                if (maxRow < 0 || value > data[maxRow]) {
                    maxRow = row;
                }
            }
            if (minRow < 0) {
                out[2 * b] = Double.NaN;
                out[2 * b + 1] = Double.NaN;
            } else {
                out[2 * b] = data[Math.min(minRow, maxRow)];
                out[2 * b + 1] = data[Math.max(minRow, maxRow)];
            }
        }
        return out;
    }

    private static long[] detectionOffsets(boolean[] detections, long[] timestamps) {
        int count = 0;
        for (boolean detection : detections) {
            if (detection) {
                count++;
            }
        }
        long[] offsets = new long[count];
        int next = 0;
        for (int row = 0; row < detections.length; row++) {
            if (detections[row]) {
                offsets[next++] = timestamps[row] - timestamps[0];
            }
        }
        return offsets;
    }
}
