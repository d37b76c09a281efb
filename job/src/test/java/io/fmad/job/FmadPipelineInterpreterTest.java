package io.fmad.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Explanation;
import io.fmad.avro.RunbookReference;
import io.fmad.avro.Severity;
import io.fmad.avro.ValueStatistics;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.interpret.BuiltInExplainer;
import io.fmad.job.interpret.RunbookRetriever;
import io.fmad.job.local.LocalFlink;
import io.fmad.job.testing.ChatCompletionsStub;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Runs the job's interpreter stage on a local MiniCluster, as {@link FmadPipeline#build} wires it. */
class FmadPipelineInterpreterTest {

    @Test
    void interpret_attachesRunbookReferences() throws Exception {
        FmadConfig config = FmadConfig.from(Map.of("interpreter.runbooks", "../runbooks", "interpreter.top-k", "2"));

        List<AnomalyAlert> explained = run(config, List.of(alert("disk-1", "disk_used_percent"), alert("web-1", "cpu")));

        assertThat(explained).hasSize(2);
        for (AnomalyAlert alert : explained) {
            Explanation explanation = alert.getExplanation();
            assertThat(explanation.getEnrichmentFailed()).as("alert %s", alert.getKey()).isFalse();
            assertThat(explanation.getInterpreter()).isEqualTo(RunbookRetriever.NAME);
            assertThat(explanation.getSummary()).startsWith("Key '" + alert.getKey() + "' scored");
            assertThat(explanation.getReferences()).hasSize(2);
        }
        assertThat(topSource(explained.get(0))).isEqualTo("disk-full.md");
        assertThat(topSource(explained.get(1))).isEqualTo("cpu-saturation.md");
    }

    @Test
    void interpret_withoutRunbooksKeepsBuiltIn() throws Exception {
        List<AnomalyAlert> explained = run(FmadConfig.from(Map.of()), List.of(alert("disk-1", "disk_used_percent")));

        Explanation explanation = explained.get(0).getExplanation();
        assertThat(explanation.getInterpreter()).isEqualTo(BuiltInExplainer.NAME);
        assertThat(explanation.getReferences()).isEmpty();
    }

    @Test
    void interpret_llmWritesSummaryAndKeepsReferences() throws Exception {
        try (ChatCompletionsStub stub = new ChatCompletionsStub(ChatCompletionsStub.Reply.validAnswer())) {
            FmadConfig config = FmadConfig.from(Map.of(
                    "interpreter.runbooks", "../runbooks",
                    "interpreter.llm.endpoint", stub.endpoint(),
                    "interpreter.llm.model", "test-model"));

            List<AnomalyAlert> explained = run(config, List.of(alert("disk-1", "disk_used_percent")));

            Explanation explanation = explained.get(0).getExplanation();
            assertThat(explanation.getEnrichmentFailed()).isFalse();
            assertThat(explanation.getInterpreter()).isEqualTo("llm:test-model" + RunbookRetriever.NAME_SUFFIX);
            assertThat(explanation.getSummary()).isEqualTo("CPU on the key rose far above its usual level.");
            assertThat(explanation.getBuiltInSummary()).startsWith("Key 'disk-1' scored");
            assertThat(topSource(explained.get(0))).isEqualTo("disk-full.md");
            assertThat(explained.get(0).getSeverity()).isEqualTo(Severity.MEDIUM);
            // The top entry's text, not only its title, reaches the model.
            assertThat(stub.requests().get(0).message("user")).contains("\"title\" : \"Disk full\"").contains("\"text\" : ");
        }
    }

    /**
     * With an endpoint that never answers, every alert still leaves, flagged, within
     * interpreter.timeout of entering the interpreter plus a margin for scheduling on a busy
     * machine. The alerts arrive together, so they also wait on each other's slots and the rate
     * limit, and ordered Async I/O holds each until those before it are done.
     */
    @Test
    void interpret_hangingEndpointReleasesEveryAlert() throws Exception {
        int count = 20;
        Duration timeout = Duration.ofSeconds(2);
        Duration margin = Duration.ofMillis(2500);
        try (ChatCompletionsStub stub = new ChatCompletionsStub(ChatCompletionsStub.Reply.hanging())) {
            FmadConfig config = FmadConfig.from(Map.of(
                    "interpreter.timeout", "2 s",
                    "interpreter.llm.endpoint", stub.endpoint(),
                    "interpreter.llm.model", "test-model"));
            List<AnomalyAlert> alerts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                alerts.add(alert(String.format("host-%02d", i), "cpu"));
            }
            ENTERED.clear();
            LEFT.clear();

            StreamExecutionEnvironment env = LocalFlink.environment(1);
            FmadPipeline.configureExecution(env, config);
            DataStream<AnomalyAlert> input = env.fromData(AnomalyAlert.class, alerts.toArray(new AnomalyAlert[0]))
                    .map(alert -> {
                        if (ENTERED.isEmpty()) {
                            // Tasks open independently: give the interpreter's time to open its
                            // client before the first alert, so only the interpreter's wait is timed.
                            Thread.sleep(OPEN_PAUSE.toMillis());
                        }
                        ENTERED.put(alert.getAlertId(), System.nanoTime());
                        return alert;
                    })
                    .returns(AnomalyAlert.class);
            List<AnomalyAlert> explained = new ArrayList<>();
            FmadPipeline.interpret(input, config)
                    .map(alert -> {
                        LEFT.put(alert.getAlertId(), System.nanoTime());
                        return alert;
                    })
                    .returns(AnomalyAlert.class)
                    .executeAndCollect()
                    .forEachRemaining(explained::add);

            assertThat(explained).hasSize(count);
            for (AnomalyAlert alert : explained) {
                assertThat(alert.getExplanation().getEnrichmentFailed()).isTrue();
                assertThat(alert.getExplanation().getFailureReason()).startsWith("LLM enrichment failed: ");
                assertThat(alert.getSeverity()).isEqualTo(Severity.MEDIUM);
                long waited = LEFT.get(alert.getAlertId()) - ENTERED.get(alert.getAlertId());
                assertThat(Duration.ofNanos(waited)).as("alert %s", alert.getKey()).isLessThan(timeout.plus(margin));
            }
            assertThat(stub.requests()).isNotEmpty();
        }
    }

    private static final Duration OPEN_PAUSE = Duration.ofSeconds(4);
    private static final Map<String, Long> ENTERED = new ConcurrentHashMap<>();
    private static final Map<String, Long> LEFT = new ConcurrentHashMap<>();

    private static List<AnomalyAlert> run(FmadConfig config, List<AnomalyAlert> alerts) throws Exception {
        StreamExecutionEnvironment env = LocalFlink.environment(1);
        FmadPipeline.configureExecution(env, config);
        DataStream<AnomalyAlert> input = env.fromData(AnomalyAlert.class, alerts.toArray(new AnomalyAlert[0]));

        List<AnomalyAlert> explained = new ArrayList<>();
        FmadPipeline.interpret(input, config).executeAndCollect().forEachRemaining(explained::add);
        explained.sort(Comparator.comparing(alert -> alert.getKey().toString()));
        return explained;
    }

    private static String topSource(AnomalyAlert alert) {
        RunbookReference top = alert.getExplanation().getReferences().get(0);
        return top.getSource().toString();
    }

    private static AnomalyAlert alert(String key, String valueName) {
        Instant time = Instant.parse("2024-03-01T12:00:00Z");
        ValueStatistics statistics = ValueStatistics.newBuilder()
                .setLast(98.0).setMean(90.0).setMin(61.0).setMax(98.0)
                .setBaselineMean(60.0).setBaselineStddev(4.0)
                .build();
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
                .setDetector("window-anomaly")
                .setContributions(Map.of(valueName, 1.0))
                .setStatistics(Map.of(valueName, statistics))
                .build();
    }
}
