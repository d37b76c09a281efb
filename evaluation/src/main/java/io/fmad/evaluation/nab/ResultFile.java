package io.fmad.evaluation.nab;

import java.util.Map;
import java.util.Optional;

/**
 * The per-row output of one detector on one data file, as read from NAB's results layout.
 *
 * <p>The {@code S(t)_<profile>} columns come in two formats. Files written by NAB's current scorer (and by
 * {@link DetectorResultsWriter}) hold every row's weight from {@link NabWeights#weightedScores}. Files written
 * by NAB v1.0 (all published detectors except ARTime) hold each row's contribution at the published threshold.
 *
 * @param fileName the data file, relative to NAB's {@code data/} folder
 * @param anomalyScores the {@code anomaly_score} column, one per data row
 * @param labels the {@code label} column (1 inside a window), or null when the file has none
 * @param weightedScores the {@code S(t)_<profile>} columns present in the file
 */
public record ResultFile(String fileName, double[] anomalyScores, int[] labels, Map<Profile, double[]> weightedScores) {

    public ResultFile {
        weightedScores = Map.copyOf(weightedScores);
    }

    /** Returns the {@code S(t)} column of a profile, if the file has it. */
    public Optional<double[]> weightedScores(Profile profile) {
        return Optional.ofNullable(weightedScores.get(profile));
    }
}
