package io.fmad.evaluation.nab;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * NAB's exact threshold sweep: the raw score and row counts at every distinct anomaly score of a set of rows.
 *
 * <p>Entries are in descending threshold order. The first has threshold {@value #START_THRESHOLD} and no
 * detections. Each following one lowers the threshold to the next distinct anomaly score, so it counts every
 * row scoring at least that much as a detection. Inside a window only the best detection weight counts, and
 * each detection outside a window adds its (negative) weight.
 *
 * <p>Each entry's score is summed from scratch in the order NAB's Python sweeper sums its dictionary of parts:
 * false positives first, then windows in the order their first row appears in the sorted rows. This keeps
 * rounding close to NAB's, so equal scores stay equal and ties resolve as in NAB.
 */
public final class ThresholdSweep {

    /** Threshold of the first entry. It lies above every legal anomaly score, so nothing is detected. */
    public static final double START_THRESHOLD = 1.1;

    private final double[] thresholds;
    private final double[] scores;
    private final int[][] counts;

    private ThresholdSweep(double[] thresholds, double[] scores, int[][] counts) {
        this.thresholds = thresholds;
        this.scores = scores;
        this.counts = counts;
    }

    /**
     * Sweeps all thresholds over a set of scored rows, in any order. Probationary rows must already be removed.
     *
     * @param anomalyScores the detector's score per row, finite and below {@value #START_THRESHOLD}
     * @param weights the row weights from {@link NabWeights#weightedScores}
     * @param windowIds per row, -1 outside every window, else a non-negative id unique to the row's window
     *     across all rows given
     * @param fnWeight the cost of a window without a detection
     * @throws IllegalArgumentException if the arrays differ in length or a score is NaN, infinite or at least
     *     {@value #START_THRESHOLD}
     */
    public static ThresholdSweep compute(double[] anomalyScores, double[] weights, int[] windowIds, double fnWeight) {
        if (weights.length != anomalyScores.length || windowIds.length != anomalyScores.length) {
            throw new IllegalArgumentException("Sweep input arrays differ in length: " + anomalyScores.length
                    + " anomaly scores, " + weights.length + " weights, " + windowIds.length + " window ids");
        }
        for (int i = 0; i < anomalyScores.length; i++) {
            requireSweepable(anomalyScores[i], i);
        }
        return compute(anomalyScores, weights, windowIds, fnWeight, descendingStableOrder(anomalyScores));
    }

    /** Sweeps with a precomputed {@link #descendingStableOrder} of {@code anomalyScores}, without validation. */
    static ThresholdSweep compute(
            double[] anomalyScores, double[] weights, int[] windowIds, double fnWeight, int[] order) {
        int rowCount = order.length;

        // Slots in first-appearance order of the sorted rows, as NAB's dictionary of window parts.
        int[] slotOfRow = new int[rowCount];
        Map<Integer, Integer> slotOfWindow = new HashMap<>();
        int windowRows = 0;
        for (int k = 0; k < rowCount; k++) {
            int row = order[k];
            int windowId = windowIds[row];
            if (windowId < 0) {
                slotOfRow[k] = -1;
            } else {
                slotOfRow[k] = slotOfWindow.computeIfAbsent(windowId, id -> slotOfWindow.size());
                windowRows++;
            }
        }
        double[] windowParts = new double[slotOfWindow.size()];
        Arrays.fill(windowParts, -fnWeight);
        double falsePositivePart = 0;

        int tp = 0;
        int fp = 0;
        int fn = windowRows;
        int tn = rowCount - windowRows;

        int capacity = rowCount + 1;
        double[] thresholds = new double[capacity];
        double[] scores = new double[capacity];
        int[][] counts = new int[capacity][];
        int size = 0;
        double threshold = START_THRESHOLD;
        for (int k = 0; k < rowCount; k++) {
            int row = order[k];
            if (anomalyScores[row] != threshold) {
                thresholds[size] = threshold;
                scores[size] = sum(falsePositivePart, windowParts);
                counts[size] = new int[] {tp, tn, fp, fn};
                size++;
                threshold = anomalyScores[row];
            }

            int slot = slotOfRow[k];
            if (slot < 0) {
                fp++;
                tn--;
                falsePositivePart += weights[row];
            } else {
                tp++;
                fn--;
                windowParts[slot] = Math.max(windowParts[slot], weights[row]);
            }
        }
        thresholds[size] = threshold;
        scores[size] = sum(falsePositivePart, windowParts);
        counts[size] = new int[] {tp, tn, fp, fn};
        size++;

        return new ThresholdSweep(
                Arrays.copyOf(thresholds, size), Arrays.copyOf(scores, size), Arrays.copyOf(counts, size));
    }

    private static double sum(double falsePositivePart, double[] windowParts) {
        double total = falsePositivePart;
        for (double part : windowParts) {
            total += part;
        }
        return total;
    }

    /**
     * Checks that the sweep can score a value: NaN has no order, and a value at or above the start threshold
     * would be detected in the entry that stands for "no detections". NAB's detector base class allows only
     * [0, 1], but some published detectors (expose) emit values slightly outside, and NAB scores them as given.
     */
    static void requireSweepable(double anomalyScore, int row) {
        if (!(anomalyScore < START_THRESHOLD) || Double.isInfinite(anomalyScore)) {
            throw new IllegalArgumentException("Anomaly score " + anomalyScore + " at row " + row
                    + " is invalid: expected a finite number below " + START_THRESHOLD + ", normally in [0, 1]");
        }
    }

    /**
     * Returns the indices of {@code values} sorted by value, descending, with equal values kept in index order
     * (the order of Python's stable {@code sorted(..., reverse=True)}). {@code -0.0} and {@code 0.0} count as
     * equal. Values must not be NaN.
     */
    static int[] descendingStableOrder(double[] values) {
        double[] distinct = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            distinct[i] = values[i] + 0.0; // turns -0.0 into 0.0
        }
        Arrays.sort(distinct);
        int distinctCount = 0;
        for (int i = 0; i < distinct.length; i++) {
            if (distinctCount == 0 || distinct[i] != distinct[distinctCount - 1]) {
                distinct[distinctCount++] = distinct[i];
            }
        }

        // A counting sort over descending ranks is stable and avoids boxing hundreds of thousands of indices.
        int[] rank = new int[values.length];
        int[] bucketStart = new int[distinctCount + 1];
        for (int i = 0; i < values.length; i++) {
            int ascending = Arrays.binarySearch(distinct, 0, distinctCount, values[i] + 0.0);
            rank[i] = distinctCount - 1 - ascending;
            bucketStart[rank[i] + 1]++;
        }
        for (int r = 0; r < distinctCount; r++) {
            bucketStart[r + 1] += bucketStart[r];
        }
        int[] order = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            order[bucketStart[rank[i]]++] = i;
        }
        return order;
    }

    /** Returns the number of entries: one per distinct anomaly score, plus the start entry. */
    public int size() {
        return thresholds.length;
    }

    /** Returns the entry at {@code index}, 0 being the start entry with the highest threshold. */
    public ThresholdScore entry(int index) {
        int[] c = counts[index];
        return new ThresholdScore(thresholds[index], scores[index], new Counts(c[0], c[1], c[2], c[3]));
    }

    /** Returns all entries in descending threshold order. */
    public List<ThresholdScore> entries() {
        return new AbstractList<>() {
            @Override
            public ThresholdScore get(int index) {
                return entry(index);
            }

            @Override
            public int size() {
                return thresholds.length;
            }
        };
    }

    /**
     * Returns the entry with the highest score. Among equal scores it returns the one with the highest
     * threshold, as NAB's optimizer does.
     */
    public ThresholdScore best() {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return entry(best);
    }

    /**
     * Returns the outcome at a fixed threshold: the entry whose threshold equals it, else the nearest entry
     * above it, which detects exactly the rows scoring at least {@code threshold}.
     *
     * <p>Below every anomaly score this returns the last entry (every row detected), where NAB's lookup
     * finds no entry and fails. At or above {@value #START_THRESHOLD} it returns the start entry.
     */
    public ThresholdScore at(double threshold) {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("Threshold must be a number, but was NaN");
        }
        // Thresholds are strictly descending: find the first one at or below the requested threshold.
        int low = 0;
        int high = thresholds.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (thresholds[middle] > threshold) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        if (low == thresholds.length) {
            return entry(thresholds.length - 1);
        }
        if (thresholds[low] == threshold || low == 0) {
            return entry(low);
        }
        return entry(low - 1);
    }
}
