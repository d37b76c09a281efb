package io.fmad.evaluation.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class NabScorerTest {

    private final NabCorpus corpus = SyntheticCorpus.twoFiles();
    private final NabScorer scorer = new NabScorer(corpus);

    /** Returns a constant score for every row of every file. */
    private static Map<String, double[]> constant(NabCorpus corpus, double score) {
        Map<String, double[]> scores = new HashMap<>();
        for (DataFile file : corpus.files()) {
            double[] rows = new double[file.rowCount()];
            Arrays.fill(rows, score);
            scores.put(file.name(), rows);
        }
        return scores;
    }

    /** Returns 1.0 on the first row of every window and 0.0 elsewhere. */
    private static Map<String, double[]> perfect(NabCorpus corpus) {
        Map<String, double[]> scores = constant(corpus, 0.0);
        for (DataFile file : corpus.files()) {
            for (AnomalyWindow window : file.windows()) {
                scores.get(file.name())[window.start()] = 1.0;
            }
        }
        return scores;
    }

    @Test
    void score_perfectDetectorIsHundred() {
        Map<String, double[]> scores = perfect(corpus);
        scores.get("synthetic/no_window.csv")[0] = 1.0; // a probationary detection is not scored

        NabReport report = scorer.score(scores);

        for (Profile profile : Profile.values()) {
            ProfileResult result = report.get(profile);
            assertThat(result.threshold()).as(profile.id()).isEqualTo(1.0);
            assertThat(result.rawScore()).as(profile.id()).isEqualTo(1.0);
            assertThat(result.normalizedScore()).as(profile.id()).isEqualTo(100.0);
            assertThat(result.counts()).as(profile.id()).isEqualTo(new Counts(1, 109, 0, 9));
        }
    }

    @Test
    void score_constantDetectorIsZero() {
        NabReport report = scorer.score(constant(corpus, 0.5));

        for (Profile profile : Profile.values()) {
            ProfileResult result = report.get(profile);
            assertThat(result.threshold()).as(profile.id()).isEqualTo(ThresholdSweep.START_THRESHOLD);
            assertThat(result.rawScore()).as(profile.id()).isEqualTo(result.nullScore());
            assertThat(result.normalizedScore()).as(profile.id()).isEqualTo(0.0);
        }
        assertThat(report.get(Profile.REWARD_LOW_FN_RATE).nullScore()).isEqualTo(-2.0);
        assertThat(report.get(Profile.STANDARD).perfectScore()).isEqualTo(1.0);
    }

    @Test
    void scoreAt_everyRowDetected() {
        ProfileResult result = scorer.scoreAt(constant(corpus, 0.5), Profile.STANDARD, 0.5);

        assertThat(result.thresholdOptimized()).isFalse();
        assertThat(result.counts()).isEqualTo(new Counts(10, 0, 109, 0));
        double[] withWindow = NabWeights.weightedScores(corpus.file("synthetic/with_window.csv"), Profile.STANDARD.costMatrix());
        double falsePositives = Arrays.stream(withWindow, 15, 40).sum() + Arrays.stream(withWindow, 50, 100).sum();
        assertThat(result.file("synthetic/with_window.csv").score()).isCloseTo(1.0 + falsePositives, within(1e-12));
        assertThat(result.file("synthetic/no_window.csv").score()).isCloseTo(-0.11 * 34, within(1e-12));
        assertThat(result.file("synthetic/no_window.csv").rowCount()).isEqualTo(40);
        assertThat(result.rawScore()).isCloseTo(1.0 + falsePositives - 0.11 * 34, within(1e-12));
    }

    @Test
    void score_rejectsMissingFile() {
        Map<String, double[]> scores = constant(corpus, 0.5);
        scores.remove("synthetic/no_window.csv");

        assertThatThrownBy(() -> scorer.score(scores))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing [synthetic/no_window.csv]");
    }

    @Test
    void score_rejectsUnknownFile() {
        Map<String, double[]> scores = constant(corpus, 0.5);
        scores.put("synthetic/other.csv", new double[3]);

        assertThatThrownBy(() -> scorer.score(scores))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not in the corpus [synthetic/other.csv]");
    }

    @Test
    void score_rejectsWrongRowCount() {
        Map<String, double[]> scores = constant(corpus, 0.5);
        scores.put("synthetic/no_window.csv", new double[39]);

        assertThatThrownBy(() -> scorer.score(scores))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 40 rows but 39 anomaly scores");
    }

    @Test
    void score_rejectsNaN() {
        Map<String, double[]> scores = constant(corpus, 0.5);
        scores.get("synthetic/no_window.csv")[7] = Double.NaN;

        assertThatThrownBy(() -> scorer.score(scores))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("synthetic/no_window.csv")
                .hasMessageContaining("row 7");
    }

    @Test
    void scoreAt_rejectsNaNThreshold() {
        assertThatThrownBy(() -> scorer.scoreAt(constant(corpus, 0.5), Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void normalize_rejectsCorpusWithoutWindows() {
        assertThatThrownBy(() -> NabScorer.normalize(0.0, Profile.STANDARD.costMatrix(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one anomaly window");
    }

    @Test
    void score_realCorpusPerfectAndNull() {
        NabCorpus nab = NabTestData.corpus();
        NabScorer nabScorer = new NabScorer(nab);

        NabReport perfectReport = nabScorer.score(perfect(nab));
        NabReport nullReport = nabScorer.score(constant(nab, 0.5));

        for (Profile profile : Profile.values()) {
            assertThat(perfectReport.normalizedScore(profile)).as("perfect %s", profile.id()).isEqualTo(100.0);
            assertThat(nullReport.normalizedScore(profile)).as("null %s", profile.id()).isEqualTo(0.0);
        }
    }
}
