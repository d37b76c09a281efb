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
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Runs the whole job unbounded on a MiniCluster against an in-process Kafka broker, with a metrics
 * topic of three partitions of which only one carries data at first. Checks that idleness detection
 * lets the watermark advance past the empty partitions, that partitions resuming with timestamps
 * ahead of the watermark lose nothing, and that a partition resuming with old timestamps has its
 * events dropped as late and counted.
 *
 * <p>A cancelled job returns no accumulators, so the window operator's counters are read from an
 * in-memory metric reporter while the job runs.
 */
class IdlePartitionsITCase {

    private static final Logger LOG = LoggerFactory.getLogger(IdlePartitionsITCase.class);

    private static final int PARTITIONS = 3;
    private static final int POINTS_PER_KEY = 400;
    private static final int SPIKE_AT = 350;
    private static final Duration STEP = Duration.ofMinutes(5);
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

    /**
     * Allowed out-of-orderness. Two partitions that resume together are read in fetch batches, so
     * one can run some points ahead while the other still counts as idle. Two hours (24 points) of
     * slack keep the lagging partition's events ahead of the watermark.
     */
    private static final String OUT_OF_ORDERNESS = "2 h";

    private static final Duration WAIT = Duration.ofSeconds(120);

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
    void idlePartitions_alertsFlowAndResumedEventsAppended() throws Exception {
        FmadConfig config = config("idle");
        broker.createTopic(config.metricsTopic, PARTITIONS);
        broker.createTopic(config.alertsTopic, 1);
        broker.createTopic(config.deadLettersTopic, 1);

        InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();
        JobClient job = null;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ReplayTool.producerProperties(config.bootstrapServers))) {
            job = start(config, reporter);
            JobID jobId = job.getJobID();

            // Phase 1: partition 0 only. Partitions 1 and 2 stay empty and must be marked idle.
            long phase1End = START.plus(STEP.multipliedBy(POINTS_PER_KEY - 1)).toEpochMilli();
            send(producer, config, 0, series("p0-spiked", START, true, 1));
            send(producer, config, 0, series("p0-steady", START, false, 2));
            waitFor(WAIT, "OPEN alert of p0-spiked while partitions 1 and 2 are empty",
                    () -> openedKeys(config).contains("p0-spiked"));
            assertThat(windowCounter(reporter, jobId, SlidingWindowFunction.LATE_EVENTS_DROPPED)).isZero();

            // Phase 2: partitions 1 and 2 resume, with new keys, after the newest time of phase 1.
            Instant resume = Instant.ofEpochMilli(phase1End).plus(STEP);
            sendInterleaved(
                    producer,
                    config,
                    series("p1-spiked", resume, true, 3),
                    series("p2-steady", resume, false, 4));
            // One later event on partition 0 moves the watermark past the resumed keys' last points,
            // once partitions 1 and 2 are idle again. It stays pending itself.
            Instant flushTime = resume.plus(STEP.multipliedBy(POINTS_PER_KEY)).plus(Duration.ofDays(1));
            send(producer, config, 0, List.of(TestEvents.metric("p0-flush", flushTime.toEpochMilli(), 1.0)));

            long expectedAppended = 4L * POINTS_PER_KEY;
            waitFor(WAIT, "pointsAppended = " + expectedAppended,
                    () -> windowCounter(reporter, jobId, SlidingWindowFunction.POINTS_APPENDED) >= expectedAppended
                            || windowCounter(reporter, jobId, SlidingWindowFunction.LATE_EVENTS_DROPPED) > 0);
            waitFor(WAIT, "OPEN alert of p1-spiked", () -> openedKeys(config).contains("p1-spiked"));

            assertThat(windowCounter(reporter, jobId, SlidingWindowFunction.POINTS_APPENDED))
                    .as("every event of both phases appended, the flush event still pending")
                    .isEqualTo(expectedAppended);
            assertThat(windowCounter(reporter, jobId, SlidingWindowFunction.LATE_EVENTS_DROPPED))
                    .as("no resumed event dropped as late")
                    .isZero();
            assertThat(windowCounter(reporter, jobId, SlidingWindowFunction.DUPLICATE_EVENTS_DROPPED)).isZero();

            // Phase 3, the pitfall: partition 1 resumes with timestamps behind the watermark.
            List<MetricEvent> backfill = series("p1-backfill", START, false, 5).subList(0, 50);
            send(producer, config, 1, backfill);
            waitFor(WAIT, "lateEventsDropped = " + backfill.size(),
                    () -> windowCounter(reporter, jobId, SlidingWindowFunction.LATE_EVENTS_DROPPED) >= backfill.size());
            assertThat(windowCounter(reporter, jobId, SlidingWindowFunction.LATE_EVENTS_DROPPED))
                    .as("every backfilled event behind the watermark dropped as late")
                    .isEqualTo(backfill.size());
            assertThat(windowCounter(reporter, jobId, SlidingWindowFunction.POINTS_APPENDED)).isEqualTo(expectedAppended);

            Set<String> opened = openedKeys(config);
            LOG.info("Keys with an OPEN alert: {}", opened);
            assertThat(opened).as("keys with an OPEN alert").containsExactlyInAnyOrder("p0-spiked", "p1-spiked");
        } finally {
            if (job != null) {
                job.cancel().get();
            }
            reporter.close();
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
                        Map.entry("kafka.bounded", "false"),
                        Map.entry("kafka.starting-offsets", "EARLIEST"),
                        Map.entry("kafka.transaction-timeout", "1 min"),
                        Map.entry("watermark.idleness", "2 s"),
                        Map.entry("watermark.out-of-orderness", OUT_OF_ORDERNESS),
                        Map.entry("detector.warm-up", "100"),
                        Map.entry("checkpoint.interval", "1 s"),
                        Map.entry("checkpoint.timeout", "30 s"),
                        Map.entry("job.parallelism", "2")));
    }

    private static JobClient start(FmadConfig config, InMemoryReporter reporter) throws Exception {
        FmadPipeline.validate(config);
        Configuration configuration = reporter.addToConfiguration(LocalFlink.loopbackConfiguration());
        // A restart would reset the counters this test reads, so any failure fails the test.
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(config.parallelism, configuration);
        FmadPipeline.build(env, config);
        return env.executeAsync(config.jobName);
    }

    /**
     * Builds {@value #POINTS_PER_KEY} points of one key, 5 minutes apart from {@code start}, with a
     * daily pattern and seeded noise. A spiked series jumps by 40 standard deviations at point
     * {@value #SPIKE_AT}.
     */
    private static List<MetricEvent> series(String key, Instant start, boolean spiked, long seed) {
        Random random = new Random(seed);
        List<MetricEvent> events = new ArrayList<>();
        for (int i = 0; i < POINTS_PER_KEY; i++) {
            long time = start.plus(STEP.multipliedBy(i)).toEpochMilli();
            double daily = 10 * Math.sin(2 * Math.PI * i / 288.0);
            double spike = spiked && i == SPIKE_AT ? 40 : 0;
            events.add(TestEvents.metric(key, time, 50 + daily + random.nextGaussian() + spike));
        }
        return events;
    }

    /** Sends {@code events} to one partition, in order, and waits for the broker's acknowledgements. */
    private static void send(
            KafkaProducer<byte[], byte[]> producer, FmadConfig config, int partition, List<MetricEvent> events)
            throws Exception {
        SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (MetricEvent event : events) {
            byte[] key = event.getKey().toString().getBytes(StandardCharsets.UTF_8);
            sent.add(producer.send(new ProducerRecord<>(config.metricsTopic, partition, key, codec.encode(event))));
        }
        producer.flush();
        for (Future<RecordMetadata> acknowledgement : sent) {
            acknowledgement.get();
        }
    }

    /**
     * Sends two series of equal length point by point, the first to partition 1 and the second to
     * partition 2, so that both partitions resume at the same event time.
     */
    private static void sendInterleaved(
            KafkaProducer<byte[], byte[]> producer, FmadConfig config, List<MetricEvent> first, List<MetricEvent> second)
            throws Exception {
        for (int i = 0; i < first.size(); i++) {
            send(producer, config, 1, List.of(first.get(i)));
            send(producer, config, 2, List.of(second.get(i)));
        }
    }

    /** Returns the keys with an OPEN record on the alerts topic, read with {@code read_committed}. */
    private static Set<String> openedKeys(FmadConfig config) throws Exception {
        return CommittedRecords.readAll(config.bootstrapServers, config.alertsTopic, AnomalyAlert.class).stream()
                .filter(alert -> alert.getStatus() == AlertStatus.OPEN)
                .map(alert -> alert.getKey().toString())
                .collect(Collectors.toSet());
    }
}
