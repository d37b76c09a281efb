package io.fmad.evaluation.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes reports of a NAB-sized synthetic corpus. Set the system property {@code fmad.report.dir} to keep the files
 * (for example to screenshot them with {@code scripts/report-screenshot.sh}); otherwise they go to a temporary
 * folder.
 */
class CorpusReportSizeTest {

    private static final List<String> DETECTORS = List.of("fmad", "randomCutForest", "windowedZScore");

    /** NAB's 58 data files hold 365,551 rows, the longest (machine_temperature_system_failure.csv) 22,695. */
    private static final int NAB_FILES = 58;
    private static final int NAB_ROWS = 365_551;
    private static final int NAB_MAX_ROWS = 22_695;
    private static final long MAX_REPORT_BYTES = 15L * 1024 * 1024;

    @TempDir
    Path temporaryFolder;

    @Test
    void nabSizedCorpus_staysUnderSizeLimit() throws IOException {
        List<SeriesReport> series = new ArrayList<>();
        int longFiles = 4;
        int regularRows = (NAB_ROWS - longFiles * NAB_MAX_ROWS) / (NAB_FILES - longFiles);
        int remaining = NAB_ROWS;
        for (int i = 0; i < NAB_FILES; i++) {
            int rows = regularRows;
            if (i < longFiles) {
                rows = NAB_MAX_ROWS;
            } else if (i == NAB_FILES - 1) {
                rows = remaining;
            }
            remaining -= rows;
            int windows = i % 10 == 9 ? 0 : 1 + i % 4;
            series.add(SyntheticReports.series(String.format("synthetic/file_%02d.csv", i), rows, windows,
                    DETECTORS, i));
        }
        assertThat(series.stream().mapToInt(SeriesReport::rows).sum()).isEqualTo(NAB_ROWS);
        Path file = outputFolder().resolve("report-nab-size.html");

        HtmlReport.write(SyntheticReports.report(series, DETECTORS), file);

        long bytes = Files.size(file);
        System.out.printf("NAB-sized report: %s, %,d bytes%n", file, bytes);
        assertThat(bytes).isLessThan(MAX_REPORT_BYTES);
    }

    @Test
    void smallCorpus_writesSample() throws IOException {
        List<SeriesReport> series = List.of(
                SyntheticReports.series("realKnownCause/nyc_taxi.csv", 10_320, 5, DETECTORS, 11),
                SyntheticReports.series("<b>&\"x\"", 4032, 2, DETECTORS, 12),
                SyntheticReports.constantSeries("artificialNoAnomaly/art_flatline.csv", 4032, DETECTORS),
                SyntheticReports.series("realTweets/Twitter_volume_AAPL.csv", NAB_MAX_ROWS, 3, DETECTORS, 13));
        Path file = outputFolder().resolve("report-small.html");

        HtmlReport.write(SyntheticReports.report(series, DETECTORS), file);

        assertThat(file).exists();
    }

    private Path outputFolder() throws IOException {
        String folder = System.getProperty("fmad.report.dir");
        return folder == null ? temporaryFolder : Files.createDirectories(Path.of(folder));
    }
}
