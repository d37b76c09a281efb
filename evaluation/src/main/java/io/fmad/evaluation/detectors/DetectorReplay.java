package io.fmad.evaluation.detectors;

import io.fmad.evaluation.SeriesData;
import io.fmad.job.detect.AlertPolicy;
import io.fmad.job.detect.AnomalyScorer;
import io.fmad.job.detect.DetectorSettings;
import io.fmad.job.detect.DetectorState;
import io.fmad.job.encode.EmbeddedWindow;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays the job's detector over cached encoder outputs, outside Flink. It runs the same {@link
 * AnomalyScorer} and {@link AlertPolicy} as the detector operator, one key after the other, so
 * the alerts equal the job's for the same options, in about a second for the NAB corpus instead of
 * a full evaluation.
 */
public final class DetectorReplay {

    private DetectorReplay() {}

    /**
     * Returns, per series name, 1 on the rows where the detector alerts and 0 elsewhere.
     *
     * @param corpus the series, for row counts and timestamps
     * @param windows per series name, the encoded windows in window order, as {@link
     *     FmadDetector#encodeAll} returns them
     */
    public static Map<String, double[]> alertRows(
            List<SeriesData> corpus, Map<String, List<EmbeddedWindow>> windows, DetectorSettings settings) {
        AnomalyScorer scorer = new AnomalyScorer(settings);
        AlertPolicy policy = new AlertPolicy(settings);
        Map<String, double[]> alerts = new HashMap<>();
        for (SeriesData series : corpus) {
            double[] rows = new double[series.rows()];
            Map<Long, Integer> rowOfTime = new HashMap<>();
            for (int row = 0; row < series.rows(); row++) {
                rowOfTime.put(series.timestamps()[row], row);
            }
            DetectorState state = null;
            for (EmbeddedWindow window : windows.getOrDefault(series.name(), List.of())) {
                if (state == null) {
                    state = DetectorState.create(
                            window.window.channels(), window.embeddingDim, settings.recordSpan(), settings.rangeSpan());
                }
                AnomalyScorer.Result result = scorer.scoreAndUpdate(state, window);
                if (policy.decide(state, result) == AlertPolicy.Decision.ALERT) {
                    Integer row = rowOfTime.get(window.window.end);
                    if (row != null) {
                        rows[row] = 1.0;
                    }
                }
            }
            alerts.put(series.name(), rows);
        }
        return alerts;
    }
}
