package io.fmad.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.DeadLetter;
import io.fmad.avro.LogEvent;
import io.fmad.avro.LogLevel;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.kafka.EmbeddedKafkaBroker;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.tools.AlertFormatter;
import io.fmad.connectors.tools.ReplayTool;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.incident.IncidentOperator;
import io.fmad.job.ingest.LogDeadLetterRouter;
import io.fmad.job.local.LocalFlink;
import io.fmad.job.local.LogGenerator;
import io.fmad.job.local.LogGenerator.Injection;
import io.fmad.job.local.LogGenerator.Service;
import io.fmad.job.logs.LogNoveltyDetector;
import io.fmad.job.logs.LogTemplateNormalizer;
import io.fmad.job.testing.CommittedRecords;
import io.fmad.models.text.MiniLmModel;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs the job with a logs topic on a Flink MiniCluster against a real in-process Kafka broker,
 * with the real all-MiniLM-L6-v2 model. Four keys log 4,000 generated lines each, one per
 * second, with new error kinds and unusual messages injected after warm-up, and two close variants
 * of normal messages that must not alert.
 */
class LogPipelineITCase {

    private static final Logger LOG = LoggerFactory.getLogger(LogPipelineITCase.class);

    private static final int LINES_PER_KEY = 4_000;
    private static final Instant START = Instant.parse("2024-03-01T00:00:00Z");

    private static final Map<String, Service> KEYS =
            Map.of(
                    "api-1", Service.API,
                    "api-2", Service.API,
                    "db-1", Service.DATABASE,
                    "worker-1", Service.WORKER);

    private static final List<Injection> INJECTED =
            List.of(
                    new Injection("worker-1", 1_500, LogLevel.ERROR,
                            "java.lang.OutOfMemoryError: Java heap space", "new error kind"),
                    new Injection("db-1", 1_700, LogLevel.FATAL,
                            "could not write to file \"pg_wal/00000001000000A7\": No space left on device", "new error kind"),
                    new Injection("api-1", 1_900, LogLevel.ERROR,
                            "TLS handshake with 10.1.2.3 failed: certificate expired on 2024-02-29", "new error kind"),
                    new Injection("api-2", 2_500, LogLevel.INFO,
                            "feature flag checkout-v2 enabled for all users by operator", "unusual message"),
                    new Injection("db-1", 3_000, LogLevel.INFO,
                            "dropping table customers as requested by user admin", "unusual message"),
                    new Injection("worker-1", 3_300, LogLevel.WARN,
                            "Segmentation fault at address 0x7f3a9c2e10 in libnative.so", "new error kind"),
                    new Injection("api-1", 3_600, LogLevel.INFO,
                            "replica set reconfigured: this node is now read-only", "unusual message"));

    /** New but close variants of normal messages, which must not alert. */
    private static final List<Injection> VARIANTS =
            List.of(
                    new Injection("api-2", 1_300, LogLevel.INFO,
                            "user 4242 logged in from 10.9.8.7 using single sign-on", "variant"),
                    new Injection("worker-1", 2_000, LogLevel.INFO,
                            "job a3f9b2c1d4e5 finished in 5000 ms, 12 records processed, 3 skipped", "variant"));

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void job_alertsOnInjectedLinesExactlyOnce() throws Exception {
        FmadConfig config = config("logs");
        createTopics(config);
        List<Injection> injections = new ArrayList<>(INJECTED);
        injections.addAll(VARIANTS);
        List<LogEvent> events = new LogGenerator(11).generate(KEYS, LINES_PER_KEY, START, injections);
        produce(config, events);
        List<byte[]> invalid = invalidRecords(events.get(events.size() / 2).getTimestamp());
        produceInvalid(config, invalid);

        JobExecutionResult result = run(config);

        List<AnomalyAlert> records =
                CommittedRecords.readAll(broker.bootstrapServers(), config.alertsTopic, AnomalyAlert.class);
        records.forEach(alert -> LOG.info("Alert: {}", AlertFormatter.format(alert)));
        long emitted = (Long) result.getAllAccumulatorResults().get(IncidentOperator.RECORDS_ACCUMULATOR);
        Set<String> ids = records.stream().map(AnomalyAlert::getAlertId).collect(Collectors.toSet());
        assertThat(records).as("incident records emitted, read with read_committed").hasSize((int) emitted);
        assertThat(ids).as("alert ids are unique: no alert written twice").hasSize(records.size());
        // Every alert the detector raised is an OPEN or UPDATE record; RESOLVED records end incidents.
        List<AnomalyAlert> alerts = records.stream().filter(alert -> alert.getStatus() != AlertStatus.RESOLVED).toList();
        assertThat(alerts).as("alerts raised by the detector").hasSize(
                (int) (long) (Long) result.getAllAccumulatorResults().get(LogNoveltyDetector.ALERTS_ACCUMULATOR));
        assertThat(records).as("every incident opened resolves when the input ends")
                .filteredOn(alert -> alert.getStatus() == AlertStatus.RESOLVED)
                .hasSameSizeAs(records.stream().filter(alert -> alert.getStatus() == AlertStatus.OPEN).toList());

        for (Injection injection : INJECTED) {
            Instant time = lineTime(injection);
            assertThat(alerts)
                    .as("an alert for the %s '%s' of %s at %s", injection.kind(), injection.message(), injection.key(), time)
                    .anySatisfy(alert -> {
                        assertThat(alert.getKey()).isEqualTo(injection.key());
                        assertThat(alert.getWindowEnd()).isEqualTo(time);
                    });
        }
        for (Injection variant : VARIANTS) {
            assertThat(alerts)
                    .as("no alert for the variant '%s' of %s", variant.message(), variant.key())
                    .noneMatch(alert -> alert.getKey().equals(variant.key())
                            && alert.getWindowEnd().equals(lineTime(variant)));
        }
        List<AnomalyAlert> falseAlarms =
                alerts.stream().filter(alert -> !matchesInjection(alert)).collect(Collectors.toList());
        assertThat(falseAlarms)
                .as("alerts on normal lines, out of %d", events.size())
                .hasSizeLessThanOrEqualTo(2);

        for (AnomalyAlert alert : alerts) {
            assertThat(alert.getDetector()).isEqualTo(LogNoveltyDetector.NAME);
            assertThat(alert.getModelId()).isEqualTo(MiniLmModel.MODEL_ID);
            assertThat(alert.getScore()).isBetween(config.logs.threshold, 1.0);
            assertThat(alert.getExplanation()).isNotNull();
            assertThat(alert.getExplanation().getEnrichmentFailed()).isFalse();
            assertThat(alert.getExplanation().getSummary()).contains("'" + alert.getKey() + "'").contains("template '");
        }
        for (Injection injection : INJECTED) {
            String template = LogTemplateNormalizer.normalize(injection.message());
            assertThat(alerts)
                    .as("the alert quotes the template of '%s'", injection.message())
                    .anyMatch(alert -> alert.getExplanation().getSummary().contains("'" + template + "'"));
        }

        long logsIn = (Long) result.getAllAccumulatorResults().get(LogDeadLetterRouter.LOGS_ACCUMULATOR);
        assertThat(logsIn).isEqualTo(events.size() + invalid.size());
        List<DeadLetter> deadLetters =
                CommittedRecords.readAll(broker.bootstrapServers(), config.deadLettersTopic, DeadLetter.class);
        assertThat(deadLetters)
                .extracting(letter -> letter.getReason().toString())
                .containsExactlyInAnyOrder("NOT_AVRO", "UNKNOWN_SCHEMA", "EMPTY_MESSAGE", "MISSING_KEY", "TIMESTAMP_IN_FUTURE");
        for (DeadLetter letter : deadLetters) {
            assertThat(letter.getSourceTopic().toString()).isEqualTo(config.logs.logsTopic);
            assertThat(letter.getRawValue()).isNotNull();
            assertThat(letter.getError().toString()).isNotBlank();
        }
    }

    private static boolean matchesInjection(AnomalyAlert alert) {
        return INJECTED.stream()
                .anyMatch(injection -> injection.key().equals(alert.getKey())
                        && lineTime(injection).equals(alert.getWindowEnd()));
    }

    private static Instant lineTime(Injection injection) {
        return LogGenerator.lineTime(KEYS.keySet(), START, injection.key(), injection.position());
    }

    private static FmadConfig config(String name) {
        return FmadConfig.from(
                Map.ofEntries(
                        Map.entry("kafka.bootstrap-servers", broker.bootstrapServers()),
                        Map.entry("kafka.topic.metrics", name + "-metrics"),
                        Map.entry("kafka.topic.logs", name + "-logs"),
                        Map.entry("kafka.topic.alerts", name + "-alerts"),
                        Map.entry("kafka.topic.dead-letters", name + "-dead-letters"),
                        Map.entry("kafka.transactional-id-prefix", name),
                        Map.entry("kafka.bounded", "true"),
                        Map.entry("kafka.starting-offsets", "EARLIEST"),
                        Map.entry("kafka.transaction-timeout", "1 min"),
                        Map.entry("checkpoint.interval", "1 s"),
                        Map.entry("checkpoint.timeout", "30 s"),
                        Map.entry("job.parallelism", "2")));
    }

    private static void createTopics(FmadConfig config) {
        broker.createTopic(config.metricsTopic, 1);
        broker.createTopic(config.logs.logsTopic, 2);
        broker.createTopic(config.alertsTopic, 2);
        broker.createTopic(config.deadLettersTopic, 1);
    }

    /** Writes each line keyed by its key, so that a key's lines stay in one partition, in order. */
    private static void produce(FmadConfig config, List<LogEvent> events) throws Exception {
        SingleObjectCodec<LogEvent> codec = SingleObjectCodec.forClass(LogEvent.class);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ReplayTool.producerProperties(config.bootstrapServers))) {
            for (LogEvent event : events) {
                producer.send(new ProducerRecord<>(
                        config.logs.logsTopic, event.getKey().getBytes(StandardCharsets.UTF_8), codec.encode(event)));
            }
            producer.flush();
        }
    }

    private static List<byte[]> invalidRecords(Instant within) {
        SingleObjectCodec<LogEvent> codec = SingleObjectCodec.forClass(LogEvent.class);
        MetricEvent metric = TestEvents.metric("api-1", within.toEpochMilli(), 1.0);
        return List.of(
                "ERROR not avro at all".getBytes(StandardCharsets.UTF_8),
                SingleObjectCodec.forClass(MetricEvent.class).encode(metric),
                codec.encode(log("api-1", within, " ")),
                codec.encode(log("", within, "user 1 logged in")),
                codec.encode(log("api-1", Instant.now().plus(Duration.ofDays(400)), "user 1 logged in")));
    }

    private static void produceInvalid(FmadConfig config, List<byte[]> values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ReplayTool.producerProperties(config.bootstrapServers))) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(config.logs.logsTopic, value)).get();
            }
        }
    }

    private static LogEvent log(String key, Instant time, String message) {
        return LogEvent.newBuilder()
                .setKey(key)
                .setTimestamp(time)
                .setLevel(LogLevel.INFO)
                .setMessage(message)
                .setAttributes(Map.of())
                .build();
    }

    private static JobExecutionResult run(FmadConfig config) throws Exception {
        FmadPipeline.validate(config);
        StreamExecutionEnvironment env = LocalFlink.environment(config.parallelism);
        FmadPipeline.build(env, config);
        return env.execute(config.jobName);
    }
}
