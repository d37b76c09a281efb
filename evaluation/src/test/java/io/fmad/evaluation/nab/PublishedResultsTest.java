package io.fmad.evaluation.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Re-scores the published per-row NAB results at each detector's published threshold and compares every
 * per-file score and count with the published {@code <detector>_<profile>_scores.csv}.
 *
 * <p>The random detector is left out of the score comparisons because its summaries come from another run than
 * its per-row files. {@link ThresholdOptimizationTest} covers it.
 */
class PublishedResultsTest {

    /** Published scores are printed with 12 significant digits by NAB v1.0, about 1e-12 absolute here. */
    private static final double SCORE_TOLERANCE = 1e-9;

    /** ARTime's S(t) columns and this scorer's weights both follow the same formula, so they agree to rounding. */
    private static final double WEIGHT_TOLERANCE = 1e-12;

    static Stream<Arguments> reproducibleDetectorsAndProfiles() {
        return NabTestData.DETECTORS.stream()
                .filter(detector -> !detector.equals(NabTestData.RANDOM))
                .flatMap(detector -> Arrays.stream(Profile.values()).map(profile -> Arguments.of(detector, profile)));
    }

    static Stream<String> allDetectors() {
        return NabTestData.DETECTORS.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("reproducibleDetectorsAndProfiles")
    void fileScoresMatchPublishedSummary(String detector, Profile profile) {
        NabCorpus corpus = NabTestData.corpus();
        ScoreSummary published = NabTestData.publishedSummary(detector, profile);
        double threshold = published.rows().get(0).threshold();

        ProfileResult result = new NabScorer(corpus).scoreAt(NabTestData.anomalyScores(detector), profile, threshold);

        assertThat(published.rows()).hasSize(corpus.files().size());
        for (ScoreSummary.Row expected : published.rows()) {
            FileScore actual = result.file(expected.fileName());
            assertThat(expected.threshold()).as("published threshold of %s", expected.fileName()).isEqualTo(threshold);
            assertThat(actual.score()).as("score of %s", expected.fileName())
                    .isCloseTo(expected.score(), within(SCORE_TOLERANCE));
            assertThat(actual.counts()).as("counts of %s", expected.fileName()).isEqualTo(expected.counts());
            assertThat(expected.totalCount()).as("Total_Count of %s", expected.fileName())
                    .isEqualTo(publishedTotalCount(detector, actual));
        }
        assertThat(result.rawScore()).as("raw corpus score").isCloseTo(published.totals().score(), within(SCORE_TOLERANCE));
        assertThat(result.counts()).as("corpus counts").isEqualTo(published.totals().counts());
    }

    /** NAB v1.0 counted all rows of a file in Total_Count; NAB's current scorer counts only the scored rows. */
    private static long publishedTotalCount(String detector, FileScore file) {
        return detector.equals(NabTestData.CURRENT_FORMAT_DETECTOR) ? file.counts().total() : file.rowCount();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allDetectors")
    void labelColumnMatchesWindows(String detector) {
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, ResultFile> entry : NabTestData.results(detector).entrySet()) {
            int[] expected = NabTestData.corpus().file(entry.getKey()).labels();
            if (!Arrays.equals(entry.getValue().labels(), expected)) {
                mismatches.add(entry.getKey());
            }
        }

        // For this one file, the random detector's per-row files carry the labels of an older window set, with three
        // wider windows instead of four. Scoring reads the windows from the label file, not from this column.
        List<String> expectedMismatches = detector.equals(NabTestData.RANDOM)
                ? List.of("realKnownCause/machine_temperature_system_failure.csv")
                : List.of();
        assertThat(mismatches).as("files whose label column differs from the windows").isEqualTo(expectedMismatches);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("reproducibleDetectorsAndProfiles")
    void weightedScoreColumnMatches(String detector, Profile profile) {
        NabCorpus corpus = NabTestData.corpus();
        boolean currentFormat = detector.equals(NabTestData.CURRENT_FORMAT_DETECTOR);
        double threshold = NabTestData.publishedSummary(detector, profile).rows().get(0).threshold();

        for (ResultFile resultFile : NabTestData.results(detector).values()) {
            DataFile dataFile = corpus.file(resultFile.fileName());
            double[] expected = currentFormat
                    ? NabWeights.weightedScores(dataFile, profile.costMatrix())
                    : contributionsAt(dataFile, resultFile.anomalyScores(), profile.costMatrix(), threshold);
            double[] published = resultFile.weightedScores(profile).orElseThrow();
            for (int row = 0; row < expected.length; row++) {
                assertThat(published[row]).as("%s of %s row %d", profile.weightedScoreColumn(), dataFile.name(), row)
                        .isCloseTo(expected[row], within(currentFormat ? WEIGHT_TOLERANCE : SCORE_TOLERANCE));
            }
        }
    }

    /**
     * Returns the S(t) column that NAB v1.0 wrote: each window's result (its best detection weight, or
     * {@code -fnWeight} when missed) on the window's first row, each false positive's weight on its row, and 0
     * elsewhere, including the probationary period.
     */
    private static double[] contributionsAt(DataFile file, double[] anomalyScores, CostMatrix costMatrix, double threshold) {
        double[] weights = NabWeights.weightedScores(file, costMatrix);
        int[] windowIndex = file.windowIndexPerRow();
        int probation = file.probationaryLength();
        double[] contributions = new double[file.rowCount()];

        List<AnomalyWindow> windows = file.windows();
        for (AnomalyWindow window : windows) {
            assertThat(window.start()).as("window start of %s", file.name()).isGreaterThanOrEqualTo(probation);
            double best = -costMatrix.fnWeight();
            for (int row = window.start(); row <= window.end(); row++) {
                if (anomalyScores[row] >= threshold) {
                    best = Math.max(best, weights[row]);
                }
            }
            contributions[window.start()] = best;
        }
        for (int row = probation; row < file.rowCount(); row++) {
            if (windowIndex[row] < 0 && anomalyScores[row] >= threshold) {
                contributions[row] = weights[row];
            }
        }
        return contributions;
    }
}
