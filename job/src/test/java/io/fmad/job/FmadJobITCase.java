package io.fmad.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.DeadLetter;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.kafka.EmbeddedKafkaBroker;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.tools.NabCsvReader;
import io.fmad.connectors.tools.ReplayTool;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.incident.IncidentOperator;
import io.fmad.job.ingest.DeadLetterRouter;
import io.fmad.job.local.LocalFlink;
import io.fmad.job.testing.CommittedRecords;
import io.fmad.job.testing.NabDataset;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs the whole job on a Flink MiniCluster against a real in-process Kafka broker, on NAB's
 * machine temperature series (a known system failure, with four labeled anomaly windows).
 */
class FmadJobITCase {

    private static final String SERIES = "realKnownCause/machine_temperature_system_failure.csv";

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
    void job_alertsExactlyOnceInsideLabeledWindows() throws Exception {
        NabDataset nab = NabDataset.require();
        List<NabDataset.LabeledWindow> labeled = nab.labeledWindows(SERIES);
        FmadConfig config = config("nab");
        createTopics(config);

        List<MetricEvent> events = new NabCsvReader().read(nab.dataFile(SERIES)).mergedEvents();
        produce(config, events);
        long invalid = produceInvalidRecords(config, events.get(events.size() / 2).getTimestamp());

        JobExecutionResult result = run(config);

        List<AnomalyAlert> alerts = CommittedRecords.readAll(broker.bootstrapServers(), config.alertsTopic, AnomalyAlert.class);
        long emitted = (Long) result.getAllAccumulatorResults().get(IncidentOperator.RECORDS_ACCUMULATOR);
        Set<String> ids = alerts.stream().map(AnomalyAlert::getAlertId).collect(Collectors.toSet());
        assertThat(alerts).as("incident records emitted, read with read_committed").hasSize((int) emitted);
        assertThat(alerts).as("every incident opened resolves when the input ends")
                .filteredOn(alert -> alert.getStatus() == AlertStatus.RESOLVED)
                .hasSameSizeAs(alerts.stream().filter(alert -> alert.getStatus() == AlertStatus.OPEN).toList());
        assertThat(ids).as("alert ids are unique: no alert written twice").hasSize(alerts.size());
        assertThat(alerts).isNotEmpty();
        assertThat(alerts)
                .as("at least one alert inside a labeled anomaly window %s", labeled)
                .anyMatch(alert -> labeled.stream().anyMatch(window -> window.contains(alert.getWindowEnd())));
        for (AnomalyAlert alert : alerts) {
            assertThat(alert.getExplanation()).isNotNull();
            assertThat(alert.getExplanation().getEnrichmentFailed()).isFalse();
            assertThat(alert.getScore()).isBetween(config.threshold, 1.0);
            assertThat(alert.getModelId()).isEqualTo("fmad-ts-fm");
            assertThat(alert.getModelVersion()).isEqualTo("3");
        }

        long eventsIn = (Long) result.getAllAccumulatorResults().get(DeadLetterRouter.EVENTS_ACCUMULATOR);
        assertThat(eventsIn).isEqualTo(events.size() + invalid);
        List<DeadLetter> deadLetters =
                CommittedRecords.readAll(broker.bootstrapServers(), config.deadLettersTopic, DeadLetter.class);
        assertThat(deadLetters)
                .extracting(letter -> letter.getReason().toString())
                .containsExactlyInAnyOrder("NOT_AVRO", "NON_FINITE_VALUE", "MISSING_KEY", "TIMESTAMP_IN_FUTURE");
        for (DeadLetter letter : deadLetters) {
            assertThat(letter.getSourceTopic().toString()).isEqualTo(config.metricsTopic);
            assertThat(letter.getRawValue()).isNotNull();
            assertThat(letter.getError().toString()).isNotBlank();
        }
    }

    private static FmadConfig config(String name) {
        return FmadConfig.from(
                Map.ofEntries(
                        Map.entry("kafka.bootstrap-servers", broker.bootstrapServers()),
                        Map.entry("kafka.topic.metrics", name + "-metrics"),
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
        broker.createTopic(config.metricsTopic, 2);
        broker.createTopic(config.alertsTopic, 2);
        broker.createTopic(config.deadLettersTopic, 1);
    }

    private static void produce(FmadConfig config, List<MetricEvent> events) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ReplayTool.producerProperties(config.bootstrapServers))) {
            ReplayTool.replay(producer, config.metricsTopic, events, 0);
        }
    }

    private static long produceInvalidRecords(FmadConfig config, Instant within) throws Exception {
        SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);
        List<byte[]> values =
                List.of(
                        "not avro at all".getBytes(StandardCharsets.UTF_8),
                        codec.encode(TestEvents.metric("machine_temperature_system_failure", within.toEpochMilli(), Double.NaN)),
                        codec.encode(TestEvents.metric("", within.toEpochMilli(), 1.0)),
                        codec.encode(TestEvents.metric(
                                "machine_temperature_system_failure",
                                Instant.now().plus(Duration.ofDays(400)).toEpochMilli(),
                                1.0)));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ReplayTool.producerProperties(config.bootstrapServers))) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(config.metricsTopic, value)).get();
            }
        }
        return values.size();
    }

    private static JobExecutionResult run(FmadConfig config) throws Exception {
        FmadPipeline.validate(config);
        StreamExecutionEnvironment env = LocalFlink.environment(config.parallelism);
        FmadPipeline.build(env, config);
        return env.execute(config.jobName);
    }
}
