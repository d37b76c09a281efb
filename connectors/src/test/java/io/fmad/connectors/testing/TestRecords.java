package io.fmad.connectors.testing;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.DeadLetter;
import io.fmad.avro.Explanation;
import io.fmad.avro.LogEvent;
import io.fmad.avro.LogLevel;
import io.fmad.avro.MetricEvent;
import io.fmad.avro.Severity;
import io.fmad.avro.SimilarWindow;
import io.fmad.avro.ValueStatistics;

/** Sample records for tests. */
public final class TestRecords {

    public static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

    private TestRecords() {}

    public static MetricEvent metric(String key, Instant timestamp, Map<String, Double> values) {
        return MetricEvent.newBuilder()
                .setKey(key)
                .setTimestamp(timestamp)
                .setValues(values)
                .setTags(Map.of("host", "h1"))
                .build();
    }

    public static MetricEvent metric(String key, double value) {
        return metric(key, T0, Map.of("cpu", value));
    }

    public static LogEvent log() {
        return LogEvent.newBuilder()
                .setKey("svc-a")
                .setTimestamp(T0)
                .setLevel(LogLevel.ERROR)
                .setMessage("connection refused")
                .setAttributes(Map.of("thread", "main"))
                .build();
    }

    public static AnomalyAlert alert(String key, int index) {
        return AnomalyAlert.newBuilder()
                .setAlertId("alert-" + key + "-" + index)
                .setKey(key)
                .setWindowStart(T0.plusSeconds(60L * index))
                .setWindowEnd(T0.plusSeconds(60L * index + 59))
                .setScore(0.95)
                .setThreshold(0.9)
                .setSeverity(Severity.HIGH)
                .setModelId("encoder")
                .setModelVersion("1")
                .setDetector("knn")
                .setContributions(Map.of("cpu", 1.0))
                .setStatistics(Map.of("cpu", ValueStatistics.newBuilder()
                        .setLast(0.99).setMean(0.5).setMin(0.1).setMax(0.99)
                        .setBaselineMean(0.3).setBaselineStddev(0.05).build()))
                .setExplanation(Explanation.newBuilder()
                        .setSummary("CPU rose sharply")
                        .setLikelyCause("a runaway process")
                        .setNextStep(null)
                        .setInterpreter("rules")
                        .setEnrichmentFailed(false)
                        .setFailureReason(null)
                        .build())
                .build();
    }

    /**
     * Builds {@link #alert} with the fields added in the third AnomalyAlert schema filled: the times of
     * the value's extremes and departure, and two similar past windows.
     */
    public static AnomalyAlert alertWithSimilarWindows(String key, int index) {
        AnomalyAlert alert = alert(key, index);
        Instant start = alert.getWindowStart();
        ValueStatistics statistics = ValueStatistics.newBuilder(alert.getStatistics().get("cpu"))
                .setMaxTime(start.plusSeconds(50))
                .setMinTime(start.plusSeconds(5))
                .setDepartureStart(start.plusSeconds(45))
                .setDepartureEnd(start.plusSeconds(55))
                .build();
        return AnomalyAlert.newBuilder(alert)
                .setStatistics(Map.of("cpu", statistics))
                .setSimilarWindows(List.of(
                        SimilarWindow.newBuilder()
                                .setWindowStart(start.minusSeconds(86_400))
                                .setWindowEnd(start.minusSeconds(86_341))
                                .setSimilarity(0.97)
                                .setAlerted(true)
                                .build(),
                        SimilarWindow.newBuilder()
                                .setWindowStart(start.minusSeconds(3_600))
                                .setWindowEnd(start.minusSeconds(3_541))
                                .setSimilarity(0.81)
                                .build()))
                .build();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("metrics")
                .setPartition(2)
                .setOffset(42)
                .setRecordTimestamp(T0)
                .setRawKey(ByteBuffer.wrap(new byte[] {1, 2}))
                .setRawValue(ByteBuffer.wrap(new byte[] {3, 4, 5}))
                .setReason("NOT_AVRO")
                .setError("value of 3 bytes is not Avro single-object encoded")
                .setFailedAt(T0.plusSeconds(1))
                .build();
    }
}
