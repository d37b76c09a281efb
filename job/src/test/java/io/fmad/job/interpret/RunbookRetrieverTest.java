package io.fmad.job.interpret;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Explanation;
import io.fmad.avro.RunbookReference;
import io.fmad.avro.Severity;
import io.fmad.avro.ValueStatistics;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Ranks the shipped example runbooks for typical alerts with the real MiniLM model. */
class RunbookRetrieverTest {

    private static Interpreter retriever;

    @BeforeAll
    static void openRetriever() throws Exception {
        retriever = RunbookRetriever.factory(RunbookLibrary.load(RunbookLibraryTest.SHIPPED), 3).create();
    }

    @AfterAll
    static void closeRetriever() {
        retriever.close();
    }

    @Test
    void explain_ranksDiskFullFirstForDiskAlert() throws Exception {
        Explanation explanation = retriever.explain(metricAlert("disk_used_percent", 97.5, 60.0, 4.0)).get();

        assertThat(sources(explanation)).as("references %s", explanation.getReferences()).first().isEqualTo("disk-full.md");
    }

    @Test
    void explain_ranksCpuSaturationFirstForCpuAlert() throws Exception {
        Explanation explanation = retriever.explain(metricAlert("cpu", 0.99, 0.35, 0.05)).get();

        assertThat(sources(explanation)).as("references %s", explanation.getReferences()).first().isEqualTo("cpu-saturation.md");
    }

    @Test
    void explain_latencyAlertFindsDeployEntry() throws Exception {
        Explanation explanation = retriever.explain(metricAlert("latency_ms", 900, 120, 15)).get();

        assertThat(sources(explanation)).as("references %s", explanation.getReferences()).first()
                .isEqualTo("latency-after-deploy.md");
    }

    @Test
    void explain_ranksMemoryLeakFirstForHeapAlert() throws Exception {
        Explanation explanation = retriever.explain(metricAlert("heap_used_bytes", 7.8e9, 3.1e9, 2.0e8)).get();

        assertThat(sources(explanation)).as("references %s", explanation.getReferences()).first().isEqualTo("memory-leak.md");
    }

    @Test
    void explain_newErrorFindsErrorBurstEntry() throws Exception {
        Explanation fromDetector =
                Explanation.newBuilder()
                        .setSummary(
                                "Key 'api-2' logged a new ERROR template 'ERROR payment request <*> failed:"
                                        + " exception in handler, status <*>' (score 0.99990, threshold 0.9999).")
                        .setInterpreter("log-novelty")
                        .build();
        AnomalyAlert alert = alert("api-2", "log-novelty", Map.of(), Map.of(), fromDetector);

        Explanation explanation = retriever.explain(alert).get();

        assertThat(sources(explanation)).as("references %s", explanation.getReferences()).first().isEqualTo("log-error-burst.md");
        assertThat(explanation.getInterpreter()).isEqualTo("log-novelty" + RunbookRetriever.NAME_SUFFIX);
        assertThat(explanation.getSummary()).isEqualTo(fromDetector.getSummary());
    }

    @Test
    void explain_outOfMemoryFindsMemoryLeakEntry() throws Exception {
        Explanation fromDetector =
                Explanation.newBuilder()
                        .setSummary(
                                "Key 'host-03' logged a new ERROR template 'java.lang.OutOfMemoryError: Java heap"
                                        + " space' (score 0.99998, threshold 0.998). Its nearest of the key's 8"
                                        + " remembered templates, 'fetched <NUM> messages from partition <NUM> at"
                                        + " offset <NUM>', lies at cosine distance 0.839.")
                        .setInterpreter("log-novelty")
                        .build();
        AnomalyAlert alert = alert("host-03", "log-novelty", Map.of(), Map.of(), fromDetector);

        Explanation explanation = retriever.explain(alert).get();

        assertThat(sources(explanation)).as("references %s", explanation.getReferences()).first()
                .isEqualTo("memory-leak.md");
    }

    @Test
    void explain_keepsBuiltInTextAndOrdersReferences() throws Exception {
        AnomalyAlert alert = metricAlert("disk_used_percent", 97.5, 60.0, 4.0);

        Explanation explanation = retriever.explain(alert).get();

        assertThat(explanation.getSummary()).isEqualTo(new BuiltInExplainer().explainNow(alert).getSummary());
        assertThat(explanation.getInterpreter()).isEqualTo(RunbookRetriever.NAME);
        assertThat(explanation.getEnrichmentFailed()).isFalse();
        assertThat(explanation.getReferences()).hasSize(3);
        assertThat(explanation.getReferences())
                .extracting(RunbookReference::getSimilarity)
                .isSortedAccordingTo((a, b) -> Double.compare(b, a))
                .allSatisfy(similarity -> assertThat(similarity).isBetween(-1.0, 1.0));
        assertThat(explanation.getReferences().get(0).getTitle()).isEqualTo("Disk full");
        assertThat(alert.getExplanation()).as("the alert itself is not modified").isNull();
    }

    private static List<String> sources(Explanation explanation) {
        return explanation.getReferences().stream().map(reference -> reference.getSource().toString()).toList();
    }

    static AnomalyAlert metricAlert(String valueName, double peak, double baseline, double stddev) {
        ValueStatistics statistics = ValueStatistics.newBuilder()
                .setLast(peak)
                .setMean((peak + baseline) / 2)
                .setMin(baseline)
                .setMax(peak)
                .setBaselineMean(baseline)
                .setBaselineStddev(stddev)
                .build();
        return alert("host-1", "window-anomaly", Map.of(valueName, 1.0), Map.of(valueName, statistics), null);
    }

    static AnomalyAlert alert(
            String key,
            String detector,
            Map<String, Double> contributions,
            Map<String, ValueStatistics> statistics,
            Explanation explanation) {
        Instant time = Instant.parse("2024-03-01T12:00:00Z");
        return AnomalyAlert.newBuilder()
                .setAlertId("id-" + key)
                .setKey(key)
                .setWindowStart(time)
                .setWindowEnd(time)
                .setScore(0.9995)
                .setThreshold(0.999)
                .setSeverity(Severity.MEDIUM)
                .setModelId("model")
                .setModelVersion("1")
                .setDetector(detector)
                .setContributions(contributions)
                .setStatistics(statistics)
                .setExplanation(explanation)
                .build();
    }
}
