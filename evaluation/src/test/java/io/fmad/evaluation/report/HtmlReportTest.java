package io.fmad.evaluation.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    private static final List<String> DETECTORS = List.of("fmad", "windowedZScore");
    private static final String ODD_NAME = "<b>&\"x\"";

    private static ReportData data;
    private static String html;

    @BeforeAll
    static void writeReport(@TempDir Path folder) throws IOException {
        data = SyntheticReports.report(List.of(
                SyntheticReports.series("realKnownCause/nyc_taxi.csv", 3000, 2, DETECTORS, 1),
                SyntheticReports.series(ODD_NAME, 800, 1, DETECTORS, 2),
                SyntheticReports.constantSeries("artificialNoAnomaly/art_flatline.csv", 1200, DETECTORS)), DETECTORS);
        Path file = folder.resolve("nested/report.html");
        HtmlReport.write(data, file);
        html = Files.readString(file, StandardCharsets.UTF_8);
    }

    @Test
    void report_isSelfContained() {
        assertThat(html).doesNotContain("http://");
        assertThat(html).doesNotContain("https://");
        assertThat(html).doesNotContainIgnoringCase("<script src");
        assertThat(html).doesNotContainIgnoringCase("<link");
        assertThat(html).doesNotContainIgnoringCase("@import");
        assertThat(html).doesNotContainIgnoringCase("url(");
        assertThat(html).contains("Content-Security-Policy");
    }

    @Test
    void report_hasHeaderFacts() {
        assertThat(html).contains("<title>fmad on NAB &lt;synthetic&gt;</title>");
        assertThat(html).contains("2025-01-02 03:04:05 UTC");
        assertThat(html).contains("NAB (synthetic)");
        assertThat(html).contains("fmad evaluate --corpus nab --detectors fmad,windowedZScore --out "
                + "&#39;report &amp; more&#39;");
    }

    @Test
    void report_containsEverySeriesName() {
        assertThat(html).contains("realKnownCause/nyc_taxi.csv");
        assertThat(html).contains("artificialNoAnomaly/art_flatline.csv");
        assertThat(html).contains("&lt;b&gt;&amp;&quot;x&quot;");
        assertThat(html).contains("href=\"#series-0\"", "href=\"#series-1\"", "href=\"#series-2\"");
        assertThat(html).contains("id=\"series-0\"", "id=\"series-1\"", "id=\"series-2\"");
    }

    @Test
    void report_escapesSeriesName() {
        assertThat(html).doesNotContain(ODD_NAME);
        assertThat(html).doesNotContain("<b>");
    }

    @Test
    void report_containsSummaryScores() {
        assertThat(html).contains("70.25", "61.75", "75.00", "52.75", "44.25", "57.50");
        assertThat(html).contains("fmad: alerts it emits (alert threshold 0.9000)");
        assertThat(html).contains("61.50");
        assertThat(html).contains("Low FP", "Low FN", "Standard, alerts emitted", "Low FP, alerts emitted");
    }

    @Test
    void report_plotDataMatchesSeries() throws IOException {
        JsonNode plotData = plotData(html);

        assertThat(plotData.get("detectors")).hasSize(2);
        assertThat(plotData.get("series")).hasSize(3);
        for (int i = 0; i < data.series().size(); i++) {
            SeriesReport series = data.series().get(i);
            JsonNode plot = plotData.get("series").get(i);
            assertThat(plot.get("t0").asLong()).isEqualTo(series.timestamps()[0]);
            assertThat(plot.get("windows")).hasSize(series.labeledWindows().size());
            for (int d = 0; d < series.detectors().size(); d++) {
                assertThat(plot.get("d").get(d).get("x"))
                        .hasSize(countDetections(series.detectors().get(d).detections()));
            }
        }
    }

    @Test
    void report_keepsConstantSeriesValues() throws IOException {
        JsonNode flat = plotData(html).get("series").get(2);

        assertThat(flat.get("windows")).isEmpty();
        assertThat(flat.get("v").get(0).asDouble()).isEqualTo(42.0);
        assertThat(flat.get("d").get(0).get("s").get(0).asDouble()).isZero();
        assertThat(flat.get("d").get(0).get("x")).isEmpty();
    }

    @Test
    void report_cannotBeClosedByDetectorName() throws IOException {
        String detector = "</script><script>alert(1)</script>";
        ReportData hostile = new ReportData("t", Instant.EPOCH, "c", "corpus",
                List.of(new DetectorSummary(detector, Map.of(), Map.of())),
                List.of(SyntheticReports.series("a.csv", 300, 1, List.of(detector), 3)));

        String page = HtmlReport.render(hostile);

        assertThat(page).doesNotContain("alert(1)</script>");
        assertThat(plotData(page).get("detectors").get(0).asText()).isEqualTo(detector);
    }

    @Test
    void fillTemplate_leavesPlaceholdersInValues() {
        String filled = HtmlReport.fillTemplate("<p>{{a}}</p><i>{{b}}</i>", Map.of("a", "{{b}}", "b", "x"));

        assertThat(filled).isEqualTo("<p>{{b}}</p><i>x</i>");
    }

    static JsonNode plotData(String page) throws IOException {
        String open = "<script type=\"application/json\" id=\"plot-data\">";
        int start = page.indexOf(open) + open.length();
        int end = page.indexOf("</script>", start);
        return new ObjectMapper().readTree(page.substring(start, end));
    }

    private static int countDetections(boolean[] detections) {
        int count = 0;
        for (boolean detection : detections) {
            count += detection ? 1 : 0;
        }
        return count;
    }
}
