package io.fmad.evaluation.report;

import java.util.List;

/**
 * A series reduced for plotting: per time bucket, the two extremes of the values and of each detector's scores in
 * the order they occur (so a line through them keeps every spike), and every detection unreduced.
 *
 * @param startMs the timestamp of the first row, in epoch milliseconds, from which every other time is an offset
 * @param endOffsetMs the offset of the last row
 * @param bucketOffsetsMs the offset of the first row of each non-empty bucket
 * @param values two values per bucket: the minimum and maximum, whichever occurs first coming first
 * @param scores per detector, two scores per bucket in the same layout as {@code values}
 * @param detectionOffsetsMs per detector, the offset of every row flagged as a detection
 */
record PlotSeries(long startMs, long endOffsetMs, long[] bucketOffsetsMs, double[] values, List<double[]> scores,
                  List<long[]> detectionOffsetsMs) {

    int buckets() {
        return bucketOffsetsMs.length;
    }
}
