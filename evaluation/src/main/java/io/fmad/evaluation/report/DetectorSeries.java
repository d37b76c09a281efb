package io.fmad.evaluation.report;

import java.util.Objects;

/**
 * One detector's output on one series. The arrays are not copied, so callers must not change them afterwards.
 *
 * @param detector the detector name, matching {@link DetectorSummary#detector()}
 * @param scores the anomaly score of each row, in [0, 1]
 * @param threshold the threshold the detections were made at, drawn as a horizontal line
 * @param detections whether each row is a detection (an alert), every one of which the plot keeps
 * @param standardFileScore the file's raw NAB score under the standard profile
 * @param tp labeled windows of this file with at least one detection
 * @param fp detections of this file outside every window
 * @param fn labeled windows of this file without a detection
 */
public record DetectorSeries(String detector, double[] scores, double threshold, boolean[] detections,
                             double standardFileScore, int tp, int fp, int fn) {

    public DetectorSeries {
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(detections, "detections");
        if (scores.length != detections.length) {
            throw new IllegalArgumentException("Detector " + detector + " has " + scores.length + " scores but "
                    + detections.length + " detection flags; expected one of each per row");
        }
    }
}
