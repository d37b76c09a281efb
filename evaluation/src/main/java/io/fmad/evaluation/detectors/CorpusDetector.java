package io.fmad.evaluation.detectors;

import io.fmad.evaluation.SeriesData;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * A detector run over a whole corpus in streaming order: every series is its own key, each row
 * is seen once, in time order, with no lookahead.
 */
public interface CorpusDetector {

    /** Name in reports and in the results layout, for example {@code fmad}. */
    String name();

    /**
     * Scores every row of every series.
     *
     * @param progress receives the number of rows scored so far, now and then
     * @return per series name, one anomaly score in [0, 1] per row, in row order, and the alerts
     *     where the detector has a notion of them
     */
    CorpusScores scoreAll(List<SeriesData> corpus, LongConsumer progress) throws Exception;
}
