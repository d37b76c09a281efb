package io.fmad.job.interpret;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Explanation;
import io.fmad.avro.Severity;
import io.fmad.avro.ValueStatistics;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

class BuiltInExplainerTest {

    private final BuiltInExplainer explainer = new BuiltInExplainer();

    @Test
    void explainNow_describesDrivingValue() {
        Explanation explanation = explainer.explainNow(alert(null));

        assertThat(explanation.getInterpreter()).isEqualTo(BuiltInExplainer.NAME);
        assertThat(explanation.getSummary()).contains("Key 'host-1'").contains("'cpu' (100% of the score)");
    }

    @Test
    void explainNow_keepsDetectorExplanation() {
        Explanation fromDetector =
                Explanation.newBuilder()
                        .setSummary("Key 'svc-a' logged a new ERROR template 'disk full'.")
                        .setInterpreter("log-novelty")
                        .build();
        AnomalyAlert alert = alert(fromDetector);

        Explanation explanation = explainer.explainNow(alert);
        explanation.setEnrichmentFailed(true);

        assertThat(explanation.getSummary()).isEqualTo(fromDetector.getSummary());
        assertThat(explanation.getInterpreter()).isEqualTo("log-novelty");
        assertThat(alert.getExplanation().getEnrichmentFailed())
                .as("the alert's own explanation is copied, not shared")
                .isFalse();
    }

    private static AnomalyAlert alert(Explanation explanation) {
        Instant time = Instant.parse("2024-03-01T12:00:00Z");
        return AnomalyAlert.newBuilder()
                .setAlertId("id")
                .setKey("host-1")
                .setWindowStart(time)
                .setWindowEnd(time)
                .setScore(0.9995)
                .setThreshold(0.999)
                .setSeverity(Severity.MEDIUM)
                .setModelId("model")
                .setModelVersion("1")
                .setDetector("window-anomaly")
                .setContributions(Map.of("cpu", 1.0))
                .setStatistics(Map.of("cpu", ValueStatistics.newBuilder()
                        .setLast(0.99).setMean(0.5).setMin(0.1).setMax(0.99)
                        .setBaselineMean(0.4).setBaselineStddev(0.1).build()))
                .setExplanation(explanation)
                .build();
    }
}
