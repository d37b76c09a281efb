package io.fmad.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.evaluation.nab.NabTestData;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the evaluate command end to end on NAB's realKnownCause files: fmad's detection stages on a
 * MiniCluster with the shipped model, a baseline, NAB scoring, results files and the HTML report.
 */
class EvaluateCommandITCase {

    @Test
    void evaluate_realKnownCauseWritesScoresResultsAndReport(@TempDir Path output) throws Exception {
        Path corpus = NabTestData.root();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        int status = new EvaluateCommand(out, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .run(new String[] {
                    "--corpus", corpus.toString(),
                    "--subset", "realKnownCause/",
                    "--detectors", "fmad,windowedZScore",
                    "--output", output.toString()
                });

        assertThat(status).isZero();
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("Corpus").contains("7 files");
        assertThat(text).contains("| fmad (per-window score, best threshold) |");
        assertThat(text).contains("| fmad (alerts emitted) |");
        assertThat(text).contains("| windowedZScore (best threshold) |");

        assertThat(output.resolve("summary.md")).exists();
        assertThat(output.resolve("results/fmad/realKnownCause/fmad_nyc_taxi.csv.gz")).exists();
        assertThat(output.resolve("results/fmadAlerts/realKnownCause/fmadAlerts_nyc_taxi.csv.gz")).exists();
        assertThat(output.resolve("results/windowedZScore/realKnownCause/windowedZScore_nyc_taxi.csv.gz")).exists();
        Path report = output.resolve("report.html");
        assertThat(report).exists();
        String html = Files.readString(report);
        assertThat(html).contains("realKnownCause/machine_temperature_system_failure.csv");
        assertThat(html).doesNotContain("<script src").doesNotContain("<link href");
    }
}
