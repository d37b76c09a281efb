package io.fmad.evaluation.nab;

/**
 * The outcome of treating every scored row with {@code anomalyScore >= threshold} as a detection.
 *
 * @param threshold the detection threshold, where {@link ThresholdSweep#START_THRESHOLD} means no detections
 * @param score the raw NAB score: each window's best detection weight (or {@code -fnWeight} if missed) plus
 *     the weight of every detection outside a window
 * @param counts row counts at this threshold
 */
public record ThresholdScore(double threshold, double score, Counts counts) {}
