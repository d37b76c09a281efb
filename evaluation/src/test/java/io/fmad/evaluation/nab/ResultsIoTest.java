package io.fmad.evaluation.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResultsIoTest {

    private static final String DETECTOR = "fmad";

    private final NabCorpus corpus = SyntheticCorpus.twoFiles();
    private final DataFile withWindow = corpus.file("synthetic/with_window.csv");

    @TempDir
    Path results;

    private static double[] ramp(int rowCount) {
        double[] scores = new double[rowCount];
        for (int i = 0; i < rowCount; i++) {
            scores[i] = i / (double) rowCount / 3.0;
        }
        return scores;
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void write_readBackIdentical(boolean gzip) throws IOException {
        double[] scores = ramp(withWindow.rowCount());

        Path written = DetectorResultsWriter.write(results, DETECTOR, withWindow, scores, gzip);
        ResultFile read = DetectorResultsReader.read(written, withWindow);

        assertThat(written.getFileName().toString()).isEqualTo(gzip ? "fmad_with_window.csv.gz" : "fmad_with_window.csv");
        assertThat(written.getParent()).isEqualTo(results.resolve(DETECTOR).resolve("synthetic"));
        assertThat(read.anomalyScores()).isEqualTo(scores);
        assertThat(read.labels()).isEqualTo(withWindow.labels());
        for (Profile profile : Profile.values()) {
            assertThat(read.weightedScores(profile)).as(profile.id())
                    .hasValue(NabWeights.weightedScores(withWindow, profile.costMatrix()));
        }
    }

    @Test
    void write_headerInCurrentNabFormat() throws IOException {
        Path written = DetectorResultsWriter.write(results, DETECTOR, withWindow, ramp(100), false);

        assertThat(Files.readAllLines(written).get(0)).isEqualTo(
                "timestamp,value,anomaly_score,label,S(t)_standard,S(t)_reward_low_FP_rate,S(t)_reward_low_FN_rate");
        assertThat(Files.readAllLines(written).get(1)).startsWith("2024-01-01 00:00:00,0.0,0.0,0,-0.11,-0.22,-0.11");
    }

    @Test
    void write_rejectsWrongRowCount() {
        assertThatThrownBy(() -> DetectorResultsWriter.write(results, DETECTOR, withWindow, new double[99], false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 100 rows but 99 anomaly scores");
    }

    @Test
    void write_rejectsDetectorNameWithSeparator() {
        assertThatThrownBy(() -> DetectorResultsWriter.write(results, "../x", withWindow, new double[100], false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid detector name");
    }

    @Test
    void readDetector_findsPlainAndGzippedFiles() throws IOException {
        DetectorResultsWriter.write(results, DETECTOR, withWindow, ramp(100), true);
        DetectorResultsWriter.write(results, DETECTOR, corpus.file("synthetic/no_window.csv"), ramp(40), false);

        Map<String, ResultFile> read = DetectorResultsReader.readDetector(results, DETECTOR, corpus);

        assertThat(read).containsOnlyKeys("synthetic/no_window.csv", "synthetic/with_window.csv");
        assertThat(DetectorResultsReader.anomalyScores(read).get("synthetic/no_window.csv")).isEqualTo(ramp(40));
    }

    @Test
    void readDetector_missingFile() throws IOException {
        DetectorResultsWriter.write(results, DETECTOR, withWindow, ramp(100), false);

        assertThatThrownBy(() -> DetectorResultsReader.readDetector(results, DETECTOR, corpus))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("fmad_no_window.csv");
    }

    @Test
    void read_columnsByName() throws IOException {
        Path file = results.resolve("reordered.csv");
        Files.writeString(file, "anomaly_score,timestamp,S(t)_reward_low_FN_rate\n"
                + "0.25,2024-01-01 00:00:00,-0.5\n0.75,2024-01-01 00:01:00,0.5\n", StandardCharsets.UTF_8);
        DataFile twoRows = SyntheticCorpus.file("synthetic/two.csv", 2);

        ResultFile read = DetectorResultsReader.read(file, twoRows);

        assertThat(read.anomalyScores()).containsExactly(0.25, 0.75);
        assertThat(read.labels()).isNull();
        assertThat(read.weightedScores(Profile.REWARD_LOW_FN_RATE)).hasValueSatisfying(
                column -> assertThat(column).containsExactly(-0.5, 0.5));
        assertThat(read.weightedScores(Profile.STANDARD)).isEmpty();
    }

    @Test
    void read_rejectsTimestampMismatch() throws IOException {
        Path file = results.resolve("shifted.csv");
        Files.writeString(file, "timestamp,anomaly_score\n2024-01-01 00:00:00,0.1\n2024-01-01 00:05:00,0.2\n");

        assertThatThrownBy(() -> DetectorResultsReader.read(file, SyntheticCorpus.file("synthetic/two.csv", 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("data row 2")
                .hasMessageContaining("differs from the data file's");
    }

    @Test
    void read_rejectsMissingScoreColumn() throws IOException {
        Path file = results.resolve("no_score.csv");
        Files.writeString(file, "timestamp,value\n2024-01-01 00:00:00,1\n");

        assertThatThrownBy(() -> DetectorResultsReader.read(file, SyntheticCorpus.file("synthetic/one.csv", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no 'anomaly_score' column");
    }

    @Test
    void read_rejectsTooFewRows() throws IOException {
        Path file = results.resolve("short.csv");
        Files.writeString(file, "timestamp,anomaly_score\n2024-01-01 00:00:00,0.1\n");

        assertThatThrownBy(() -> DetectorResultsReader.read(file, SyntheticCorpus.file("synthetic/two.csv", 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 1 rows, but data file synthetic/two.csv has 2");
    }

    @Test
    void summary_writeThenRead() throws IOException {
        ProfileResult result = new NabScorer(corpus).scoreAt(
                Map.of("synthetic/with_window.csv", ramp(100), "synthetic/no_window.csv", ramp(40)),
                Profile.REWARD_LOW_FP_RATE, 0.2);

        Path written = ScoreSummary.write(results, DETECTOR, result);
        ScoreSummary read = ScoreSummary.read(written);

        assertThat(written).isEqualTo(results.resolve("fmad").resolve("fmad_reward_low_FP_rate_scores.csv"));
        assertThat(read.rows()).hasSize(2);
        for (FileScore file : result.files()) {
            ScoreSummary.Row row = read.row(file.fileName());
            assertThat(row.detector()).isEqualTo(DETECTOR);
            assertThat(row.profile()).isEqualTo("reward_low_FP_rate");
            assertThat(row.threshold()).isEqualTo(0.2);
            assertThat(row.score()).isEqualTo(file.score());
            assertThat(row.counts()).isEqualTo(file.counts());
            assertThat(row.totalCount()).isEqualTo(file.counts().total());
        }
        assertThat(read.totals().score()).isEqualTo(result.rawScore());
        assertThat(read.totals().counts()).isEqualTo(result.counts());
        assertThat(read.totals().threshold()).isNaN();
    }

    @Test
    void summary_rejectsMissingTotals() throws IOException {
        Path file = results.resolve("no_totals.csv");
        Files.writeString(file, "Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count\n"
                + "d,standard,a/b.csv,0.5,1.0,1,2,3,4,10\n");

        assertThatThrownBy(() -> ScoreSummary.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no Totals row");
    }
}
