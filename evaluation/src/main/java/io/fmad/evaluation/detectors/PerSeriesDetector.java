package io.fmad.evaluation.detectors;

import io.fmad.evaluation.SeriesData;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * A baseline that scores each series on its own, row by row, in one thread. Each series gets a
 * fresh model, so nothing learned on one key reaches another.
 */
abstract class PerSeriesDetector implements CorpusDetector {

    @Override
    public CorpusScores scoreAll(List<SeriesData> corpus, LongConsumer progress) {
        Map<String, double[]> scores = new LinkedHashMap<>();
        long done = 0;
        for (SeriesData series : corpus) {
            scores.put(series.name(), score(series));
            done += series.rows();
            progress.accept(done);
        }
        return new CorpusScores(scores, null);
    }

    /** Returns one score in [0, 1] per row of {@code series}, computed without lookahead. */
    abstract double[] score(SeriesData series);
}
