package io.fmad.job;

import static io.fmad.job.testing.RunningJobs.waitFor;
import static io.fmad.job.testing.RunningJobs.windowCounter;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.kafka.EmbeddedKafkaBroker;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.tools.ReplayTool;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.local.LocalFlink;
import io.fmad.job.testing.CommittedRecords;
import io.fmad.job.window.SlidingWindowFunction;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Stops the whole job with a savepoint and starts it again from that savepoint, on a MiniCluster
 * against an in-process Kafka broker. Checks that the second job continues where the first stopped.
 * The source resumes at the saved offsets, and the key's window and detector state carry over, with
 * no new window fill and no new warm-up. The incident open at the stop continues and resolves with
 * its incident id.
 *
 * <p>Each phase is sent in one burst, so the source may read it in one fetch and the watermark jumps
 * over the whole phase at once. The incident stage then receives the candidates of a phase before
 * the watermark that would have resolved the incident between them, and can report the second spike
 * as an UPDATE of the first incident rather than a new OPEN.
 */
class SavepointRestoreITCase {

    private static final Logger LOG = LoggerFactory.getLogger(SavepointRestoreITCase.class);

    private static final String KEY = "restored";
    private static final Duration STEP = Duration.ofMinutes(5);
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

    /** Points before the savepoint. */
    private static final int FIRST_POINTS = 400;

    /**
     * Spike past the default warm-up of 250 windows, close enough to the savepoint that its incident
     * is still open then: it resolves an hour (12 points) after its last anomalous window.
     */
    private static final int FIRST_SPIKE = 395;

    /**
     * Points after the savepoint, with a spike at {@value #SECOND_SPIKE}. They give at most 201
     * windows, fewer than the 250 of the default warm-up, so any record for them needs the restored
     * detector state.
     */
    private static final int SECOND_POINTS = 200;

    private static final int SECOND_SPIKE = 590;

    private static final Duration WAIT = Duration.ofSeconds(45);

    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path savepoints;

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
    void stopWithSavepoint_restoredJobContinues() throws Exception {
        FmadConfig config = config();
        broker.createTopic(config.metricsTopic, 1);
        broker.createTopic(config.alertsTopic, 1);
        broker.createTopic(config.deadLettersTopic, 1);
        List<MetricEvent> series = series();

        InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();
        Configuration configuration = reporter.addToConfiguration(LocalFlink.loopbackConfiguration());
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        MiniClusterConfiguration clusterConfiguration = new MiniClusterConfiguration.Builder()
                .setConfiguration(configuration)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(1)
                .withRandomPorts()
                .build();
        try (MiniCluster cluster = new MiniCluster(clusterConfiguration);
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(ReplayTool.producerProperties(config.bootstrapServers))) {
            cluster.start();

            JobID first = cluster.submitJob(jobGraph(config, null)).get().getJobID();
            send(producer, config, series.subList(0, FIRST_POINTS));
            waitFor(WAIT, "OPEN record before the savepoint", () -> !records(config, AlertStatus.OPEN).isEmpty());
            String savepoint = cluster.stopWithSavepoint(first, savepoints.toUri().toString(), false, SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS);
            long firstAppended = windowCounter(reporter, first, SlidingWindowFunction.POINTS_APPENDED);
            LOG.info("Savepoint {} after {} points appended", savepoint, firstAppended);
            assertThat(records(config, AlertStatus.RESOLVED)).as("RESOLVED records before the savepoint").isEmpty();

            JobID second = cluster.submitJob(jobGraph(config, savepoint)).get().getJobID();
            try {
                send(producer, config, series.subList(FIRST_POINTS, FIRST_POINTS + SECOND_POINTS));
                // A later event of another key moves the watermark past the key's last point.
                Instant flush = START.plus(STEP.multipliedBy(FIRST_POINTS + SECOND_POINTS)).plus(Duration.ofDays(1));
                send(producer, config, List.of(TestEvents.metric("flush", flush.toEpochMilli(), 1.0)));

                long expectedAppended = (long) FIRST_POINTS + SECOND_POINTS - firstAppended;
                waitFor(WAIT, "pointsAppended = " + expectedAppended + " in the restored job",
                        () -> windowCounter(reporter, second, SlidingWindowFunction.POINTS_APPENDED) >= expectedAppended);
                waitFor(WAIT, "a record at the second spike", () -> !recordsAtSecondSpike(config).isEmpty());
                waitFor(WAIT, "the first incident's RESOLVED record", () -> !records(config, AlertStatus.RESOLVED).isEmpty());

                assertThat(windowCounter(reporter, second, SlidingWindowFunction.POINTS_APPENDED))
                        .as("the restored job reads from the saved offsets and appends the points pending at the stop")
                        .isEqualTo(expectedAppended);
                assertThat(windowCounter(reporter, second, "windowsEmitted"))
                        .as("a window per point: the restored window state is full")
                        .isEqualTo(expectedAppended);
                assertThat(windowCounter(reporter, second, SlidingWindowFunction.LATE_EVENTS_DROPPED)).isZero();
            } finally {
                cluster.cancelJob(second).get(30, TimeUnit.SECONDS);
            }
        } finally {
            reporter.close();
        }

        List<AnomalyAlert> alerts =
                CommittedRecords.readAll(broker.bootstrapServers(), config.alertsTopic, AnomalyAlert.class);
        LOG.info("Records on the alerts topic: {}", alerts.stream().map(alert -> alert.getStatus() + " at " + alert.getWindowEnd()).toList());
        List<AnomalyAlert> opened = alerts.stream().filter(alert -> alert.getStatus() == AlertStatus.OPEN).toList();
        List<AnomalyAlert> resolved = alerts.stream().filter(alert -> alert.getStatus() == AlertStatus.RESOLVED).toList();

        assertThat(alerts).extracting(AnomalyAlert::getAlertId).as("no record written twice").doesNotHaveDuplicates();
        assertThat(opened.get(0).getWindowEnd()).as("the first OPEN record").isBefore(pointTime(FIRST_POINTS));
        assertThat(recordsAtSecondSpike(config))
                .as("the detector reports the second spike: it is past the warm-up it counted before the savepoint")
                .isNotEmpty();
        assertThat(resolved)
                .extracting(alert -> alert.getIncidentId().toString())
                .as("the incident opened before the savepoint resolves after it, with its id")
                .contains(opened.get(0).getIncidentId().toString());
    }

    private static FmadConfig config() {
        return FmadConfig.from(
                Map.ofEntries(
                        Map.entry("kafka.bootstrap-servers", broker.bootstrapServers()),
                        Map.entry("kafka.topic.metrics", "savepoint-metrics"),
                        Map.entry("kafka.topic.alerts", "savepoint-alerts"),
                        Map.entry("kafka.topic.dead-letters", "savepoint-dead-letters"),
                        Map.entry("kafka.transactional-id-prefix", "savepoint"),
                        Map.entry("kafka.group-id", "savepoint"),
                        Map.entry("kafka.bounded", "false"),
                        Map.entry("kafka.starting-offsets", "EARLIEST"),
                        Map.entry("kafka.transaction-timeout", "1 min"),
                        Map.entry("checkpoint.interval", "1 s"),
                        Map.entry("checkpoint.timeout", "30 s"),
                        Map.entry("job.parallelism", "1")));
    }

    /** Builds the job's graph, restored from {@code savepoint} unless it is null. */
    private static JobGraph jobGraph(FmadConfig config, String savepoint) {
        FmadPipeline.validate(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        FmadPipeline.build(env, config);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return graph;
    }

    /**
     * Builds {@value #FIRST_POINTS} plus {@value #SECOND_POINTS} points of {@link #KEY}, 5 minutes
     * apart, with a daily pattern and seeded noise. The first spike jumps up by 40 standard
     * deviations, the second down by 60.
     */
    private static List<MetricEvent> series() {
        Random random = new Random(11);
        List<MetricEvent> events = new ArrayList<>();
        for (int i = 0; i < FIRST_POINTS + SECOND_POINTS; i++) {
            double daily = 10 * Math.sin(2 * Math.PI * i / 288.0);
            double spike = 0;
            if (i == FIRST_SPIKE) {
                spike = 40;
            } else if (i == SECOND_SPIKE) {
                spike = -60;
            }
            events.add(TestEvents.metric(KEY, pointTime(i).toEpochMilli(), 50 + daily + random.nextGaussian() + spike));
        }
        return events;
    }

    private static Instant pointTime(int index) {
        return START.plus(STEP.multipliedBy(index));
    }

    /** Sends {@code events} in order and waits for the broker's acknowledgements. */
    private static void send(KafkaProducer<byte[], byte[]> producer, FmadConfig config, List<MetricEvent> events)
            throws Exception {
        SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (MetricEvent event : events) {
            byte[] key = event.getKey().toString().getBytes(StandardCharsets.UTF_8);
            sent.add(producer.send(new ProducerRecord<>(config.metricsTopic, key, codec.encode(event))));
        }
        producer.flush();
        for (Future<RecordMetadata> acknowledgement : sent) {
            acknowledgement.get();
        }
    }

    /**
     * Returns the OPEN or UPDATE records at or after the second spike. Which one it is depends on
     * whether the watermark passed the first incident's quiet period before the spike reached the
     * incident stage, which the fetch batches decide.
     */
    private static List<AnomalyAlert> recordsAtSecondSpike(FmadConfig config) throws Exception {
        return CommittedRecords.readAll(config.bootstrapServers, config.alertsTopic, AnomalyAlert.class).stream()
                .filter(alert -> alert.getStatus() != AlertStatus.RESOLVED)
                .filter(alert -> !alert.getWindowEnd().isBefore(pointTime(SECOND_SPIKE)))
                .toList();
    }

    /** Returns the records of {@code status} on the alerts topic, read with {@code read_committed}. */
    private static List<AnomalyAlert> records(FmadConfig config, AlertStatus status) throws Exception {
        return CommittedRecords.readAll(config.bootstrapServers, config.alertsTopic, AnomalyAlert.class).stream()
                .filter(alert -> alert.getStatus() == status)
                .toList();
    }
}
