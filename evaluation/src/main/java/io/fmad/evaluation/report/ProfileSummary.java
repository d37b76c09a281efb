package io.fmad.evaluation.report;

/**
 * A detector's result under one NAB profile at one threshold.
 *
 * @param normalizedScore NAB's normalized score: 0 for the null detector, 100 for a perfect one, negative when
 *     worse than the null detector
 * @param threshold the anomaly score threshold, in [0, 1], at or above which a row counts as a detection
 * @param tp labeled windows with at least one detection
 * @param fp detections outside every window
 * @param fn labeled windows without a detection
 * @param tn scored rows outside every window without a detection
 */
public record ProfileSummary(double normalizedScore, double threshold, int tp, int fp, int fn, int tn) {
}
