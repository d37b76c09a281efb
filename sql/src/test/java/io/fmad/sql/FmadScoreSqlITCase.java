package io.fmad.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmad.connectors.kafka.EmbeddedKafkaBroker;
import io.fmad.job.local.LocalFlink;

import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * Runs the example of {@code docs/sql.md}, read from the page itself, on a Flink MiniCluster
 * against a real in-process Kafka broker and a generated series with one injected spike.
 */
class FmadScoreSqlITCase {

    /** The page whose example this test runs; Maven runs tests in the module directory. */
    static final Path DOC = Path.of("..", "docs", "sql.md");

    /** The bootstrap address the documented example uses; the test swaps in its broker's. */
    private static final String DOCUMENTED_BOOTSTRAP = "127.0.0.1:9092";

    private static final String TOPIC = "metrics-json";
    private static final long STEP_MILLIS = 5 * 60_000L;
    private static final int POINTS_PER_DAY = 288;
    private static final int POINTS = 4 * POINTS_PER_DAY;
    /** Index of the first of the spike's three points on host-01. */
    private static final int SPIKE_AT = 3 * POINTS_PER_DAY + 100;
    private static final int SPIKE_POINTS = 3;
    /** Index of the point of host-02 that is written twice, with different values. */
    private static final int DUPLICATE_AT = 500;
    private static final long START = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopic(TOPIC, 1);
        produceSeries();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void documentedQuery_flagsSpikeOnly() throws Exception {
        List<String> statements = SqlExamples.statements(Files.readString(DOC));
        assertThat(statements).as("statements of the example in %s", DOC).hasSize(3);

        StreamExecutionEnvironment env = LocalFlink.environment(1);
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
        for (String statement : statements.subList(0, 2)) {
            tableEnv.executeSql(statement.replace(DOCUMENTED_BOOTSTRAP, broker.bootstrapServers()));
        }

        TableResult result = tableEnv.executeSql(statements.get(2));
        List<String> columns = result.getResolvedSchema().getColumnNames();
        assertThat(columns)
                .containsExactly(
                        "host", "window_start", "value", "score", "is_anomaly", "severity", "threshold",
                        "model_id", "model_version", "rowtime");

        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> iterator = result.collect()) {
            iterator.forEachRemaining(rows::add);
        }

        int windowsPerHost = POINTS - 64 + 1;
        assertThat(rows).as("one row per window of each host, the duplicate row dropped").hasSize(2 * windowsPerHost);

        long duplicateTime = START + DUPLICATE_AT * STEP_MILLIS;
        Row duplicate =
                rows.stream()
                        .filter(row -> "host-02".equals(row.getField("host")) && within(row, duplicateTime, duplicateTime))
                        .findFirst()
                        .orElseThrow();
        assertThat((Double) duplicate.getField("value"))
                .as("value of host-02 at the duplicated time: the first row's, below 100")
                .isLessThan(100.0);

        long spikeStart = START + SPIKE_AT * STEP_MILLIS;
        long spikeEnd = spikeStart + (SPIKE_POINTS - 1) * STEP_MILLIS;
        List<Row> anomalies = rows.stream().filter(row -> (Boolean) row.getField("is_anomaly")).toList();
        List<Row> spikeAlerts =
                anomalies.stream()
                        .filter(row -> "host-01".equals(row.getField("host")))
                        .filter(row -> within(row, spikeStart, spikeEnd))
                        .toList();
        List<Row> falseAlarms = anomalies.stream().filter(row -> !spikeAlerts.contains(row)).toList();

        assertThat(spikeAlerts).as("alerts on host-01 during the spike; all alerts: %s", anomalies).isNotEmpty();
        assertThat(spikeAlerts.get(0).getField("severity")).isNotNull();
        assertThat(falseAlarms).as("alerts outside the spike").hasSizeLessThanOrEqualTo(1);

        // Windows that hold a spike point may score high without alerting; the others should not.
        long spikeLeavesWindows = spikeEnd + 63 * STEP_MILLIS;
        List<Row> normal =
                rows.stream()
                        .filter(row -> !"host-01".equals(row.getField("host")) || !within(row, spikeStart, spikeLeavesWindows))
                        .toList();
        long highNormal = normal.stream().filter(row -> (Double) row.getField("score") >= 0.999).count();
        assertThat(highNormal)
                .as("windows without the spike that score at or above the threshold, of %s", normal.size())
                .isLessThanOrEqualTo(normal.size() / 100);
    }

    @Test
    void jobParameters_configureFunction() throws Exception {
        StreamTableEnvironment tableEnv = tableEnvironmentWithExample();
        // What the SQL client's SET 'pipeline.global-job-parameters' = '...' sets.
        tableEnv.getConfig()
                .set(
                        PipelineOptions.GLOBAL_JOB_PARAMETERS,
                        Map.of("fmad.detector.threshold", "0.9999", "fmad.detector.rearm-below", "0.99"));

        List<Row> rows = collect(tableEnv, ANOMALIES_QUERY);

        assertThat(rows).as("rows of emit => 'ANOMALIES'").isNotEmpty();
        for (Row row : rows) {
            assertThat(row.getField("is_anomaly")).isEqualTo(true);
            assertThat(row.getField("threshold")).isEqualTo(0.9999);
        }
    }

    @Test
    void invalidJobParameter_failsNamingOption() throws Exception {
        StreamTableEnvironment tableEnv = tableEnvironmentWithExample();
        tableEnv.getConfig().set(PipelineOptions.GLOBAL_JOB_PARAMETERS, Map.of("fmad.detector.threshold", "1.5"));

        assertThatThrownBy(() -> collect(tableEnv, ANOMALIES_QUERY))
                .hasStackTraceContaining("Invalid value '1.5' for option 'detector.threshold'");
    }

    /** The example's query, with only the alerts. */
    private static final String ANOMALIES_QUERY =
            "SELECT * FROM FMAD_SCORE(input => TABLE metrics PARTITION BY host, value_column => 'cpu',"
                    + " on_time => DESCRIPTOR(ts), emit => 'ANOMALIES')";

    /** Returns a table environment on a MiniCluster with the example's function and table. */
    private static StreamTableEnvironment tableEnvironmentWithExample() throws IOException {
        List<String> statements = SqlExamples.statements(Files.readString(DOC));
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(LocalFlink.environment(1));
        for (String statement : statements.subList(0, 2)) {
            tableEnv.executeSql(statement.replace(DOCUMENTED_BOOTSTRAP, broker.bootstrapServers()));
        }
        return tableEnv;
    }

    private static List<Row> collect(StreamTableEnvironment tableEnv, String query) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> iterator = tableEnv.executeSql(query).collect()) {
            iterator.forEachRemaining(rows::add);
        }
        return rows;
    }

    private static boolean within(Row row, long from, long to) {
        long end = ((Instant) row.getField("rowtime")).toEpochMilli();
        return end >= from && end <= to;
    }

    /**
     * Writes 4 days of 5-minute CPU values for host-01 and host-02, in time order: a daily cycle
     * with seeded noise, and a 3-point spike of about 15 standard deviations on host-01 on day 4.
     * Point {@value #DUPLICATE_AT} of host-02 is written twice.
     */
    private static void produceSeries() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        Random random = new Random(42);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties)) {
            for (int i = 0; i < POINTS; i++) {
                long time = START + i * STEP_MILLIS;
                double daily = 10 * Math.sin(2 * Math.PI * i / POINTS_PER_DAY);
                for (String host : List.of("host-01", "host-02")) {
                    double cpu = 40 + daily + 2 * random.nextGaussian();
                    if (host.equals("host-01") && i >= SPIKE_AT && i < SPIKE_AT + SPIKE_POINTS) {
                        cpu += 30;
                    }
                    String json =
                            String.format(
                                    Locale.ROOT, "{\"host\":\"%s\",\"ts_ms\":%d,\"cpu\":%.3f}", host, time, cpu);
                    producer.send(new ProducerRecord<>(TOPIC, host, json));
                    if (host.equals("host-02") && i == DUPLICATE_AT) {
                        // A second row at the same time, which the function drops.
                        producer.send(new ProducerRecord<>(TOPIC, host, json.replace("\"cpu\":", "\"cpu\":1")));
                    }
                }
            }
            producer.flush();
        }
    }
}
