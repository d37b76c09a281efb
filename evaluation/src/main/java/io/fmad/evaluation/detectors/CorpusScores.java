package io.fmad.evaluation.detectors;

import java.util.Map;

/**
 * A detector's output over a corpus.
 *
 * @param scores per series name, one anomaly score in [0, 1] per row
 * @param alerts per series name, true on the rows where the detector raised an alert as it would
 *     in production (after warm-up and cooldown), or null for detectors that only score
 */
public record CorpusScores(Map<String, double[]> scores, Map<String, boolean[]> alerts) {}
