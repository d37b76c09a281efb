package io.fmad.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.LogLevel;
import io.fmad.avro.MetricEvent;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.local.LocalFlink;
import io.fmad.job.logs.LogDetectorSettings;
import io.fmad.job.logs.LogLine;
import io.fmad.job.logs.LogNoveltyDetector;
import io.fmad.job.logs.WordHashEmbedder;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runs the sliding window, encoder, detector and interpreter, and the log novelty detector with a
 * word-hash stand-in for its text model, on a MiniCluster with an in-memory metric reporter. Checks
 * that their metrics count and that docs/operations.md names them as the Prometheus reporter does.
 */
class PipelineMetricsTest {

    /** Operators of this run whose rows in docs/operations.md must all be registered. */
    private static final Set<String> OPERATORS =
            Set.of("sliding-window", "encoder", "detector", "incidents", "interpreter", "log-novelty");

    private static final int POINTS_PER_KEY = 400;
    private static final int SPIKE_AT = 350;
    private static final long STEP_MILLIS = 300_000;
    private static final int LOG_LINES_PER_KEY = 200;
    private static final List<String> LOG_TEMPLATES =
            List.of("user <NUM> logged in from <IP>", "GET /api/orders <NUM> ms", "cache refreshed in <NUM> ms");

    /** Prometheus metric name to the metric, for the operators in {@link #OPERATORS}. */
    private static final Map<String, Metric> METRICS = new HashMap<>();

    /**
     * Prometheus names of the metrics in subgroups of those operators ({@code encoder}, {@code
     * detector} and the like). Flink registers its own operator metrics on the operator group
     * itself, so every name here is one of fmad's.
     */
    private static final Set<String> GROUPED_METRICS = new HashSet<>();

    @BeforeAll
    static void runPipeline() throws Exception {
        InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();
        Configuration configuration = reporter.addToConfiguration(LocalFlink.loopbackConfiguration());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, configuration);

        FmadConfig config = FmadConfig.from(Map.of("detector.warm-up", "100"));
        DataStream<MetricEvent> events =
                env.fromData(spikedSeries())
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<MetricEvent>forMonotonousTimestamps()
                                        .withTimestampAssigner((event, ignored) -> event.getTimestamp().toEpochMilli()));
        SingleOutputStreamOperator<AnomalyAlert> alerts = FmadPipeline.interpret(
                FmadPipeline.incidents(FmadPipeline.detect(events, config), config), config);
        alerts.sinkTo(new DiscardingSink<>());

        LogDetectorSettings logSettings = new LogDetectorSettings(0.998, 50, 128, Duration.ZERO, 10.0, 100, Duration.ZERO);
        env.fromData(logLines())
                .keyBy(LogLine::key)
                .process(new LogNoveltyDetector(logSettings, WordHashEmbedder::new))
                .name("log-novelty")
                .sinkTo(new DiscardingSink<>());

        env.execute("pipeline-metrics");
        try {
            for (Map.Entry<MetricGroup, Map<String, Metric>> group : reporter.getMetricsByGroup().entrySet()) {
                String operator = group.getKey().getAllVariables().get("<operator_name>");
                if (operator == null || !OPERATORS.contains(operator)) {
                    continue;
                }
                boolean subgroup = !(group.getKey() instanceof OperatorMetricGroup);
                for (Map.Entry<String, Metric> metric : group.getValue().entrySet()) {
                    String name = prometheusName(group.getKey(), metric.getKey());
                    METRICS.put(name, metric.getValue());
                    if (subgroup) {
                        GROUPED_METRICS.add(name);
                    }
                }
            }
        } finally {
            reporter.close();
        }
    }

    @Test
    void documentedMetrics_registeredUnderPrometheusNames() throws IOException {
        List<String> documented = documentedPrometheusNames();

        assertThat(documented).as("rows of docs/operations.md for %s", OPERATORS).hasSizeGreaterThan(15);
        for (String name : documented) {
            assertThat(METRICS).as("registered metrics").containsKey(name);
        }
    }

    @Test
    void groupedMetrics_allDocumented() throws IOException {
        List<String> documented = documentedPrometheusNames();

        assertThat(GROUPED_METRICS).isNotEmpty();
        for (String name : GROUPED_METRICS) {
            assertThat(documented).as("Prometheus names in docs/operations.md").contains(name);
        }
    }

    @Test
    void windowMetrics_count() {
        assertThat(count("flink_taskmanager_job_task_operator_pointsAppended")).isEqualTo(2L * POINTS_PER_KEY);
        assertThat(count("flink_taskmanager_job_task_operator_windowsEmitted")).isPositive();
    }

    @Test
    void encoderMetrics_count() {
        long windows = count("flink_taskmanager_job_task_operator_windowsEmitted");

        assertThat(count("flink_taskmanager_job_task_operator_encoder_windowsEncoded")).isEqualTo(windows);
        assertThat(count("flink_taskmanager_job_task_operator_encoder_batches")).isPositive();
        assertThat(histogram("flink_taskmanager_job_task_operator_encoder_batchSize").getCount())
                .isEqualTo(count("flink_taskmanager_job_task_operator_encoder_batches"));
        assertThat(histogram("flink_taskmanager_job_task_operator_encoder_batchSize").getStatistics().getMax())
                .isGreaterThan(1);
        assertThat(histogram("flink_taskmanager_job_task_operator_encoder_inferenceLatencyMs").getCount()).isPositive();
        assertThat(histogram("flink_taskmanager_job_task_operator_encoder_queueTimeMs").getCount()).isEqualTo(windows);
    }

    @Test
    void detectorMetrics_count() {
        long scored = count("flink_taskmanager_job_task_operator_detector_windowsScored");
        Histogram scores = histogram("flink_taskmanager_job_task_operator_detector_scorePpm");

        assertThat(scored).isEqualTo(count("flink_taskmanager_job_task_operator_windowsEmitted"));
        assertThat(scores.getCount()).isEqualTo(scored);
        assertThat(scores.getStatistics().getMin()).isGreaterThanOrEqualTo(0);
        assertThat(scores.getStatistics().getMax()).isBetween(999_000L, 1_000_000L);
        assertThat(count("flink_taskmanager_job_task_operator_detector_alertsEmitted")).isPositive();
    }

    @Test
    void interpreterMetrics_countEveryAlert() {
        long alerts = count("flink_taskmanager_job_task_operator_incidents_opened")
                + count("flink_taskmanager_job_task_operator_incidents_updated")
                + count("flink_taskmanager_job_task_operator_incidents_resolved");

        assertThat(count("flink_taskmanager_job_task_operator_interpreter_calls")).isEqualTo(alerts);
        assertThat(count("flink_taskmanager_job_task_operator_interpreter_failures")).isZero();
        assertThat(count("flink_taskmanager_job_task_operator_interpreter_timeouts")).isZero();
    }

    @Test
    void logMetrics_count() {
        long newTemplates = count("flink_taskmanager_job_task_operator_log_detector_newTemplates");
        long embedded = count("flink_taskmanager_job_task_operator_log_encoder_linesEmbedded");

        assertThat(count("flink_taskmanager_job_task_operator_log_detector_linesScored"))
                .isEqualTo(2L * LOG_LINES_PER_KEY);
        assertThat(newTemplates).isEqualTo(2L * (LOG_TEMPLATES.size() + 1));
        assertThat(histogram("flink_taskmanager_job_task_operator_log_detector_newTemplateScorePpm").getCount())
                .isEqualTo(newTemplates);
        assertThat(embedded).isEqualTo(newTemplates);
        assertThat(count("flink_taskmanager_job_task_operator_log_encoder_cacheHits")
                        + count("flink_taskmanager_job_task_operator_log_encoder_cacheMisses"))
                .isEqualTo(embedded);
        assertThat(count("flink_taskmanager_job_task_operator_log_detector_alertsEmitted")).isEqualTo(2);
    }

    /**
     * Builds the name the Prometheus reporter gives a metric: see docs/operations.md. The reporter
     * reads the logical scope through a {@code LogicalScopeProvider} wrapper of the same group;
     * the in-memory reporter keeps the unwrapped {@link AbstractMetricGroup}.
     */
    private static String prometheusName(MetricGroup group, String metricName) {
        CharacterFilter filter = input -> input.replaceAll("[^a-zA-Z0-9:_]", "_");
        String scope = group instanceof AbstractMetricGroup<?> registered
                ? registered.getLogicalScope(filter, '_')
                : LogicalScopeProvider.castFrom(group).getLogicalScope(filter, '_');
        return "flink_" + scope + "_" + filter.filterCharacters(metricName);
    }

    /** Returns the Prometheus names in the last column of the rows for {@link #OPERATORS}. */
    private static List<String> documentedPrometheusNames() throws IOException {
        Pattern operatorCell = Pattern.compile("^`([^`]+)`$");
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(operationsPage())) {
            String[] cells = line.split("\\|");
            if (cells.length != 7) {
                continue;
            }
            var operator = operatorCell.matcher(cells[1].trim());
            if (operator.matches() && OPERATORS.contains(operator.group(1))) {
                names.add(cells[6].trim().replace("`", ""));
            }
        }
        return names;
    }

    private static Path operationsPage() {
        Path fromModule = Path.of("..", "docs", "operations.md");
        return Files.exists(fromModule) ? fromModule : Path.of("docs", "operations.md");
    }

    private static long count(String name) {
        assertThat(METRICS).containsKey(name);
        return ((Counter) METRICS.get(name)).getCount();
    }

    private static Histogram histogram(String name) {
        assertThat(METRICS).containsKey(name);
        return (Histogram) METRICS.get(name);
    }

    /**
     * Builds two keys of log lines that repeat {@link #LOG_TEMPLATES}, each with one new error
     * template after the detector's warm-up, which raises one alert per key.
     */
    private static List<LogLine> logLines() {
        List<LogLine> lines = new ArrayList<>();
        for (String key : List.of("api-1", "api-2")) {
            for (int i = 0; i < LOG_LINES_PER_KEY; i++) {
                long time = i * 1_000L;
                if (i == LOG_LINES_PER_KEY - 10) {
                    lines.add(new LogLine(key, time, LogLevel.ERROR, "disk full on volume <HEX> while writing segment"));
                } else {
                    lines.add(new LogLine(key, time, LogLevel.INFO, LOG_TEMPLATES.get(i % LOG_TEMPLATES.size())));
                }
            }
        }
        return lines;
    }

    /**
     * Builds two keys of 5-minute points with a daily pattern and seeded noise, merged in time
     * order. Key {@code spiked} jumps by 40 standard deviations at point {@value #SPIKE_AT}, which
     * raises an alert after the shortened warm-up.
     */
    private static List<MetricEvent> spikedSeries() {
        Random random = new Random(42);
        List<MetricEvent> events = new ArrayList<>();
        for (int i = 0; i < POINTS_PER_KEY; i++) {
            long time = i * STEP_MILLIS;
            double daily = 10 * Math.sin(2 * Math.PI * i / 288.0);
            double spike = i == SPIKE_AT ? 40 : 0;
            events.add(TestEvents.metric("spiked", time, 50 + daily + random.nextGaussian() + spike));
            events.add(TestEvents.metric("steady", time, 50 + daily + random.nextGaussian()));
        }
        return events;
    }
}
