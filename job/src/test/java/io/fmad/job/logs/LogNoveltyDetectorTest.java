package io.fmad.job.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.LogLevel;
import io.fmad.avro.Severity;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

class LogNoveltyDetectorTest {

    private static final List<String> NORMAL =
            List.of(
                    "user <NUM> logged in from <IP>",
                    "GET <PATH> returned <NUM> in <NUM> ms",
                    "cache hit for session <ID>");

    /** Shares no word with {@link #NORMAL}, so its distance to each of them is 1. */
    private static final String UNLIKE_NORMAL = "disk quota exceeded on volume data";

    private static final long START = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();

    private LogDetectorSettings settings = settings(50, 8, Duration.ofMinutes(1));
    private KeyedOneInputStreamOperatorTestHarness<String, LogLine, AnomalyAlert> harness;
    private long time = START;

    private static LogDetectorSettings settings(int warmUp, int memorySize, Duration cooldown) {
        return new LogDetectorSettings(0.998, warmUp, memorySize, cooldown, 10.0, 100, Duration.ZERO);
    }

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, LogLine, AnomalyAlert> newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LogNoveltyDetector(settings, WordHashEmbedder::new)),
                LogLine::key,
                Types.STRING);
    }

    private void log(String key, LogLevel level, String template) throws Exception {
        time += 1_000;
        harness.processElement(new StreamRecord<>(new LogLine(key, time, level, template), time));
    }

    private void logNormal(String key, int lines) throws Exception {
        for (int i = 0; i < lines; i++) {
            log(key, LogLevel.INFO, NORMAL.get(i % NORMAL.size()));
        }
    }

    private List<AnomalyAlert> alerts() {
        return harness.extractOutputValues();
    }

    @Test
    void knownTemplates_neverAlert() throws Exception {
        logNormal("svc-a", 3_000);

        assertThat(alerts()).isEmpty();
    }

    @Test
    void newTemplateAfterQuietHistory_alertsOnce() throws Exception {
        logNormal("svc-a", 3_000);

        log("svc-a", LogLevel.INFO, UNLIKE_NORMAL);
        log("svc-a", LogLevel.INFO, UNLIKE_NORMAL);
        time += Duration.ofHours(1).toMillis();
        log("svc-a", LogLevel.INFO, UNLIKE_NORMAL);

        assertThat(alerts()).hasSize(1);
        assertThat(alerts().get(0).getWindowEnd()).isEqualTo(Instant.ofEpochMilli(START + 3_001_000L));
    }

    @Test
    void alert_describesLineAndModel() throws Exception {
        logNormal("svc-a", 3_000);

        log("svc-a", LogLevel.ERROR, UNLIKE_NORMAL);

        AnomalyAlert alert = alerts().get(0);
        assertThat(alert.getKey()).isEqualTo("svc-a");
        assertThat(alert.getDetector()).isEqualTo(LogNoveltyDetector.NAME);
        assertThat(alert.getModelId()).isEqualTo(WordHashEmbedder.MODEL_ID);
        assertThat(alert.getModelVersion()).isEqualTo(WordHashEmbedder.MODEL_VERSION);
        assertThat(alert.getScore()).isBetween(0.998, 1.0);
        assertThat(alert.getThreshold()).isEqualTo(0.998);
        assertThat(alert.getSeverity()).isIn(Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL);
        assertThat(alert.getWindowStart()).isEqualTo(alert.getWindowEnd());
        assertThat(alert.getContributions().values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(alert.getContributions().get(LogNoveltyDetector.LEVEL)).isPositive();
        assertThat(alert.getStatistics().get(LogNoveltyDetector.DISTANCE).getLast()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(alert.getExplanation().getSummary())
                .contains("'svc-a'")
                .contains("ERROR")
                .contains("'" + UNLIKE_NORMAL + "'")
                .containsAnyOf(NORMAL.stream().map(template -> "'" + template + "'").toArray(String[]::new));
        assertThat(alert.getExplanation().getInterpreter()).isEqualTo(LogNoveltyDetector.NAME);
    }

    @Test
    void newTemplateOf_readsExplainedAlert() throws Exception {
        logNormal("svc-a", 3_000);

        log("svc-a", LogLevel.ERROR, UNLIKE_NORMAL);

        String summary = alerts().get(0).getExplanation().getSummary();
        assertThat(LogNoveltyDetector.newTemplateOf(summary)).isEqualTo("new ERROR log line: " + UNLIKE_NORMAL);
        assertThat(LogNoveltyDetector.newTemplateOf("Key 'svc-a' scored 0.9990.")).isNull();
    }

    @Test
    void alertId_stableForSameLine() throws Exception {
        logNormal("svc-a", 3_000);
        long lineTime = time + 1_000;
        log("svc-a", LogLevel.INFO, UNLIKE_NORMAL);
        String first = alerts().get(0).getAlertId();

        harness.close();
        harness = newHarness();
        harness.open();
        time = START;
        logNormal("svc-a", 3_000);
        log("svc-a", LogLevel.INFO, UNLIKE_NORMAL);

        assertThat(time).isEqualTo(lineTime);
        assertThat(alerts().get(0).getAlertId()).isEqualTo(first);
    }

    @Test
    void warmUp_suppressesAlerts() throws Exception {
        logNormal("svc-a", 49);

        log("svc-a", LogLevel.FATAL, UNLIKE_NORMAL);

        assertThat(alerts()).isEmpty();
    }

    @Test
    void errorLevel_weighsIn() throws Exception {
        logNormal("svc-a", 200);
        logNormal("svc-b", 200);

        log("svc-a", LogLevel.INFO, UNLIKE_NORMAL);
        log("svc-b", LogLevel.ERROR, UNLIKE_NORMAL);

        assertThat(alerts()).extracting(AnomalyAlert::getKey).containsExactly("svc-b");
    }

    @Test
    void keys_learnIndependently() throws Exception {
        logNormal("svc-a", 3_000);
        for (int i = 0; i < 3_000; i++) {
            log("svc-b", LogLevel.INFO, i % 2 == 0 ? UNLIKE_NORMAL : "volume data mounted");
        }

        log("svc-b", LogLevel.INFO, NORMAL.get(0));
        log("svc-a", LogLevel.INFO, "volume data mounted");

        assertThat(alerts()).extracting(AnomalyAlert::getKey).containsExactlyInAnyOrder("svc-a", "svc-b");
    }

    @Test
    void cooldown_holdsBackSecondAlert() throws Exception {
        logNormal("svc-a", 3_000);

        log("svc-a", LogLevel.ERROR, UNLIKE_NORMAL);
        log("svc-a", LogLevel.ERROR, "certificate expired for peer");
        time += Duration.ofMinutes(1).toMillis();
        log("svc-a", LogLevel.ERROR, "kernel panic not syncing");

        assertThat(alerts()).extracting(alert -> alert.getExplanation().getSummary())
                .hasSize(2)
                .satisfies(summaries -> assertThat(summaries.get(0)).contains(UNLIKE_NORMAL))
                .satisfies(summaries -> assertThat(summaries.get(1)).contains("kernel panic"));
    }

    @Test
    void zeroCooldown_alertsOnEveryNewTemplate() throws Exception {
        settings = settings(50, 8, Duration.ZERO);
        tearDown();
        setUp();
        logNormal("svc-a", 3_000);

        log("svc-a", LogLevel.ERROR, UNLIKE_NORMAL);
        time -= 10_000;
        log("svc-a", LogLevel.ERROR, "certificate expired for peer");

        assertThat(alerts()).as("a line older than the last alert alerts too").hasSize(2);
    }

    @Test
    void fullMemory_forgetsLeastRecentlySeen() throws Exception {
        settings = settings(50, 3, Duration.ZERO);
        tearDown();
        setUp();
        logNormal("svc-a", 3_000);
        log("svc-a", LogLevel.ERROR, UNLIKE_NORMAL);
        // The memory has room for 3 templates, so UNLIKE_NORMAL pushed out the least recently seen one.
        String forgotten = NORMAL.get(0);

        log("svc-a", LogLevel.ERROR, forgotten);

        assertThat(alerts()).hasSize(2);
        assertThat(alerts().get(1).getExplanation().getSummary()).contains("'" + forgotten + "'");
    }

    @Test
    void restoredState_keepsTemplateMemory() throws Exception {
        logNormal("svc-a", 3_000);
        log("svc-a", LogLevel.ERROR, UNLIKE_NORMAL);
        OperatorSubtaskState snapshot = harness.snapshot(1L, time);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        time += Duration.ofHours(1).toMillis();
        log("svc-a", LogLevel.ERROR, UNLIKE_NORMAL);
        log("svc-a", LogLevel.ERROR, "certificate expired for peer");

        assertThat(alerts())
                .as("the template seen before the snapshot is known after the restore")
                .extracting(alert -> alert.getExplanation().getSummary())
                .singleElement()
                .satisfies(summary -> assertThat(summary).contains("certificate expired"));
    }

    @Test
    void changedMemorySize_keepsMostRecentTemplates() throws Exception {
        logNormal("svc-a", 3_000);
        log("svc-a", LogLevel.INFO, NORMAL.get(1));
        log("svc-a", LogLevel.INFO, NORMAL.get(2));
        OperatorSubtaskState snapshot = harness.snapshot(1L, time);
        harness.close();

        settings = settings(50, 2, Duration.ZERO);
        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        log("svc-a", LogLevel.INFO, NORMAL.get(1));
        log("svc-a", LogLevel.INFO, NORMAL.get(2));
        log("svc-a", LogLevel.ERROR, NORMAL.get(0));

        assertThat(alerts())
                .as("only the template seen least recently was dropped")
                .extracting(alert -> alert.getExplanation().getSummary())
                .singleElement()
                .satisfies(summary -> assertThat(summary).contains("'" + NORMAL.get(0) + "'"));
    }
}
