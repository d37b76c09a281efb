package io.fmad.job.interpret;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Explanation;
import io.fmad.avro.Severity;
import io.fmad.avro.SimilarWindow;
import io.fmad.avro.ValueStatistics;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class BuiltInExplainerTest {

    private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

    private final BuiltInExplainer explainer = new BuiltInExplainer();

    @Test
    void explainNow_describesDrivingValue() {
        Explanation explanation = explainer.explainNow(alert(null));

        assertThat(explanation.getInterpreter()).isEqualTo(BuiltInExplainer.NAME);
        assertThat(explanation.getSummary()).contains("Key 'host-1'").contains("'cpu' (100% of the score)");
    }

    @Test
    void explainNow_namesExtremeTimeAndRange() {
        AnomalyAlert alert = alert(null);
        alert.getStatistics().put("cpu", timed(alert.getStatistics().get("cpu"), T0.plusSeconds(40), T0.plusSeconds(30), T0.plusSeconds(50)));

        String summary = explainer.explainNow(alert).getSummary();

        assertThat(summary).contains("'cpu' (100% of the score) reached max 0.9900 at 2024-03-01T12:00:40Z");
        assertThat(summary).contains("+5.9 sigma from its normal range 0.4000 ± 0.1000");
        assertThat(summary).contains("and was beyond 3 sigma from 2024-03-01T12:00:30Z to 2024-03-01T12:00:50Z");
        assertThat(summary).contains("last 0.9900, window mean 0.5000.");
    }

    @Test
    void explainNow_namesSinglePointDeparture() {
        AnomalyAlert alert = alert(null);
        alert.getStatistics().put("cpu", timed(alert.getStatistics().get("cpu"), T0.plusSeconds(40), T0.plusSeconds(30), T0.plusSeconds(30)));

        assertThat(explainer.explainNow(alert).getSummary()).contains("and was beyond 3 sigma at 2024-03-01T12:00:30Z;");
    }

    @Test
    void explainNow_extremeAsOnlyDeparture() {
        AnomalyAlert alert = alert(null);
        alert.getStatistics().put("cpu", timed(alert.getStatistics().get("cpu"), T0.plusSeconds(40), T0.plusSeconds(40), T0.plusSeconds(40)));

        assertThat(explainer.explainNow(alert).getSummary())
                .contains("reached max 0.9900 at 2024-03-01T12:00:40Z, +5.9 sigma from its normal range 0.4000 ± 0.1000,"
                        + " the only point beyond 3 sigma; last");
    }

    @Test
    void explainNow_usesMinTimeForLowValue() {
        AnomalyAlert alert = alert(null);
        ValueStatistics low = ValueStatistics.newBuilder()
                .setLast(0.05).setMean(0.2).setMin(0.01).setMax(0.45)
                .setBaselineMean(0.4).setBaselineStddev(0.1)
                .setMinTime(T0.plusSeconds(20)).setMaxTime(T0.plusSeconds(5))
                .build();
        alert.getStatistics().put("cpu", low);

        assertThat(explainer.explainNow(alert).getSummary())
                .contains("reached min 0.01000 at 2024-03-01T12:00:20Z, -3.9 sigma");
    }

    @Test
    void explainNow_omitsTimesTheAlertLacks() {
        String summary = explainer.explainNow(alert(null)).getSummary();

        assertThat(summary).contains("reached max 0.9900, +5.9 sigma");
        assertThat(summary).doesNotContain(" at 2024").doesNotContain("beyond");
    }

    @Test
    void explainNow_listsDriversByShare() {
        AnomalyAlert alert = alert(null);
        alert.setContributions(Map.of("cpu", 0.25, "heap", 0.75));
        alert.getStatistics().put("heap", ValueStatistics.newBuilder()
                .setLast(900).setMean(700).setMin(500).setMax(950)
                .setBaselineMean(500).setBaselineStddev(50).build());

        String summary = explainer.explainNow(alert).getSummary();

        assertThat(summary).contains("'heap' (75% of the score) reached max 950.0, +9.0 sigma");
        assertThat(summary.indexOf("'heap'")).isLessThan(summary.indexOf("'cpu' (25% of the score)"));
    }

    @Test
    void explainNow_leavesOutValuesWithoutShare() {
        AnomalyAlert alert = alert(null);
        alert.setContributions(Map.of("cpu", 0.995, "heap", 0.005));
        alert.getStatistics().put("heap", ValueStatistics.newBuilder()
                .setLast(900).setMean(700).setMin(500).setMax(950)
                .setBaselineMean(500).setBaselineStddev(50).build());

        assertThat(explainer.explainNow(alert).getSummary()).contains("'cpu' (100% of the score)").doesNotContain("'heap'");
    }

    @Test
    void explainNow_listsSimilarPastWindows() {
        AnomalyAlert alert = alert(null);
        alert.setSimilarWindows(List.of(
                similar(T0.minusSeconds(86_400), 0.97, true),
                similar(T0.minusSeconds(3_600), 0.91, false),
                similar(T0.minusSeconds(7_200), 0.5, false)));

        String summary = explainer.explainNow(alert).getSummary();

        assertThat(summary).endsWith("Similar past windows:"
                + " 2024-02-29T12:00:00Z to 2024-02-29T12:01:00Z (similarity 0.970, alerted then too);"
                + " 2024-03-01T11:00:00Z to 2024-03-01T11:01:00Z (similarity 0.910).");
    }

    @Test
    void explainNow_noSimilarPastWindow() {
        AnomalyAlert alert = alert(null);
        alert.setSimilarWindows(List.of(
                similar(T0.minusSeconds(3_600), 0.62, false),
                similar(T0.minusSeconds(7_200), 0.4, false)));

        assertThat(explainer.explainNow(alert).getSummary())
                .endsWith("No similar past window: the closest, 2024-03-01T11:00:00Z to 2024-03-01T11:01:00Z,"
                        + " has similarity 0.620, below 0.90.");
    }

    @Test
    void explainNow_keyWithoutHistory() {
        assertThat(explainer.explainNow(alert(null)).getSummary())
                .endsWith("No past windows of this key to compare with yet.");
    }

    @Test
    void explainNow_silentOnHistoryOfOtherDetectors() {
        AnomalyAlert alert = alert(null);
        alert.setDetector("log-novelty");

        assertThat(explainer.explainNow(alert).getSummary()).doesNotContain("past window");
    }

    @Test
    void explainNow_silentOnHistoryOfUpdates() {
        AnomalyAlert alert = alert(null);
        alert.setStatus(AlertStatus.UPDATE);

        assertThat(explainer.explainNow(alert).getSummary()).doesNotContain("past window");
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

    private static ValueStatistics timed(ValueStatistics statistics, Instant max, Instant departureStart, Instant departureEnd) {
        return ValueStatistics.newBuilder(statistics)
                .setMaxTime(max)
                .setMinTime(T0)
                .setDepartureStart(departureStart)
                .setDepartureEnd(departureEnd)
                .build();
    }

    /** Builds a one-minute past window from {@code start}. */
    private static SimilarWindow similar(Instant start, double similarity, boolean alerted) {
        return SimilarWindow.newBuilder()
                .setWindowStart(start)
                .setWindowEnd(start.plusSeconds(60))
                .setSimilarity(similarity)
                .setAlerted(alerted)
                .build();
    }

    /** Builds a window-anomaly alert on value 'cpu', 5.9 baseline sigmas above its mean at max. */
    private static AnomalyAlert alert(Explanation explanation) {
        Instant time = T0;
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
                .setStatistics(new HashMap<>(Map.of("cpu", ValueStatistics.newBuilder()
                        .setLast(0.99).setMean(0.5).setMin(0.1).setMax(0.99)
                        .setBaselineMean(0.4).setBaselineStddev(0.1).build())))
                .setExplanation(explanation)
                .build();
    }
}
