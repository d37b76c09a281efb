package io.fmad.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.LogEvent;
import io.fmad.avro.LogLevel;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.kafka.EmbeddedKafkaBroker;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.tools.ReplayTool;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.local.LocalFlink;
import io.fmad.job.logs.WordHashEmbedder;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Runs the job unbounded on a MiniCluster, against an in-process Kafka broker, over a stream of
 * churning keys: each key sends metrics and log lines for a while and never comes back. With a short
 * {@code state.ttl}, the checkpoint size must stay flat while the number of keys ever seen grows,
 * and must fall to about the size of a job without keys once the input stops and the last keys
 * expire.
 *
 * <p>Checkpoint sizes come from the job's checkpoint statistics, per job vertex. The test logs every
 * sample.
 */
class StateExpiryITCase {

    private static final Logger LOG = LoggerFactory.getLogger(StateExpiryITCase.class);

    private static final Duration STATE_TTL = Duration.ofSeconds(2);

    /** Wall-clock time between two points of every live key. */
    private static final long TICK_MILLIS = 20;

    /** Event time between two points of a key. */
    private static final Duration STEP = Duration.ofMinutes(1);

    /**
     * Points of one key: 137 windows of 64 points, more than the 94 windows the detector's scores need
     * for calibration, so a spike opens an incident and every keyed operator stores the key.
     */
    private static final int POINTS_PER_KEY = 200;

    /**
     * Point at which every key jumps by 40 standard deviations, so its incident state is written
     * too. Its incident resolves an hour of event time later, or expires if the input stops first.
     */
    private static final int SPIKE_AT = 180;

    /** Ticks between the first points of two consecutive keys, so 10 keys are live at a time. */
    private static final int TICKS_BETWEEN_KEYS = 20;

    /** Wall-clock duration of the churn: 60 keys at one new key every 0.4 s. */
    private static final Duration CHURN = Duration.ofSeconds(24);

    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final List<String> TEMPLATES =
            List.of("user %d logged in", "GET /api/orders %d ms", "cache refreshed in %d ms");

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
    void checkpointSize_flatUnderKeyChurn() throws Exception {
        FmadConfig metricsConfig = config(false);
        FmadConfig config = config(true);
        broker.createTopic(config.metricsTopic, 1);
        broker.createTopic(config.logs.logsTopic, 1);
        broker.createTopic(config.alertsTopic, 1);
        broker.createTopic(config.deadLettersTopic, 1);

        List<Sample> samples = new ArrayList<>();
        Configuration configuration = LocalFlink.loopbackConfiguration();
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
            JobID jobId = submit(cluster, metricsConfig, config);
            try {
                awaitFirstCheckpoint(cluster, jobId);
                Churn churn = new Churn(producer, config);
                long started = System.nanoTime();
                long churnTicks = CHURN.toMillis() / TICK_MILLIS;
                for (long tick = 0; tick < churnTicks; tick++) {
                    churn.send(tick);
                    if (tick % 20 == 0) {
                        sample(cluster, jobId, started, churn.keysSeen(), samples);
                    }
                    sleepUntil(started, (tick + 1) * TICK_MILLIS);
                }
                producer.flush();

                // The input stops: the last keys expire STATE_TTL after their last write, and the
                // next full checkpoints leave them out.
                long tailEnd = CHURN.toMillis() + STATE_TTL.toMillis() + 4_000;
                while (millisSince(started) < tailEnd) {
                    sample(cluster, jobId, started, churn.keysSeen(), samples);
                    Thread.sleep(500);
                }
            } finally {
                cluster.cancelJob(jobId).get(30, TimeUnit.SECONDS);
            }
        }

        for (Sample sample : samples) {
            LOG.info("{}", sample);
        }
        long early = maxSize(samples, 8_000, 12_000);
        long late = maxSize(samples, 20_000, CHURN.toMillis());
        long tail = samples.get(samples.size() - 1).totalBytes();
        long keysEarly = samples.stream().filter(s -> s.elapsedMillis() <= 12_000).mapToInt(Sample::keysSeen).max().orElse(0);
        long keysLate = samples.get(samples.size() - 1).keysSeen();
        LOG.info("Checkpoint size: max {} B with {} keys seen (8-12 s), max {} B with {} keys (20-24 s), {} B at the end",
                early, keysEarly, late, keysLate, tail);

        assertThat(keysLate).as("keys seen").isGreaterThanOrEqualTo(55);
        assertThat(early).as("checkpoint size in the first half of the churn").isPositive();
        assertThat(late)
                .as("checkpoint size at %d keys seen, against %d B at %d keys", keysLate, early, keysEarly)
                .isLessThan(early * 13 / 10);
        assertThat(tail)
                .as("checkpoint size after every key expired, against %d B under churn", late)
                .isLessThan(late / 4);
    }

    /** Builds the options: metrics only, or with the log branch reading its own topic. */
    private static FmadConfig config(boolean logs) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("kafka.bootstrap-servers", broker.bootstrapServers());
        options.put("kafka.topic.metrics", "churn-metrics");
        options.put("kafka.topic.alerts", "churn-alerts");
        options.put("kafka.topic.dead-letters", "churn-dead-letters");
        options.put("kafka.transactional-id-prefix", "churn");
        options.put("kafka.bounded", "false");
        options.put("kafka.starting-offsets", "EARLIEST");
        options.put("kafka.transaction-timeout", "1 min");
        options.put("state.ttl", STATE_TTL.toMillis() + " ms");
        options.put("detector.warm-up", "10");
        options.put("logs.warm-up", "10");
        options.put("checkpoint.interval", "1 s");
        options.put("checkpoint.timeout", "30 s");
        options.put("job.parallelism", "1");
        if (logs) {
            options.put("kafka.topic.logs", "churn-logs");
        }
        return FmadConfig.from(options);
    }

    /**
     * Submits the metric pipeline, and the log branch with a word-hash stand-in for MiniLM whose
     * outputs are discarded: the test needs the log detector's state, not its alerts.
     */
    private static JobID submit(MiniCluster cluster, FmadConfig metricsConfig, FmadConfig config) throws Exception {
        FmadPipeline.validate(metricsConfig);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        FmadPipeline.build(env, metricsConfig);
        LogPipeline.Outputs logs = LogPipeline.build(env, config, WordHashEmbedder::new);
        logs.alerts().sinkTo(new DiscardingSink<>()).name("log-alerts-discarded");
        logs.deadLetters().sinkTo(new DiscardingSink<>()).name("log-dead-letters-discarded");
        return cluster.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();
    }

    /** Waits until the job has completed a checkpoint, so the churn starts on a running job. */
    private static void awaitFirstCheckpoint(MiniCluster cluster, JobID jobId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            CheckpointStatsSnapshot stats =
                    cluster.getExecutionGraph(jobId).get(10, TimeUnit.SECONDS).getCheckpointStatsSnapshot();
            if (stats != null && stats.getHistory().getLatestCompletedCheckpoint() != null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after 60 s waiting for the job's first checkpoint");
            }
            Thread.sleep(200);
        }
    }

    /** Adds the latest completed checkpoint to {@code samples} if it is newer than the last one. */
    private static void sample(MiniCluster cluster, JobID jobId, long started, int keysSeen, List<Sample> samples)
            throws Exception {
        AccessExecutionGraph graph = cluster.getExecutionGraph(jobId).get(10, TimeUnit.SECONDS);
        CheckpointStatsSnapshot stats = graph.getCheckpointStatsSnapshot();
        CompletedCheckpointStats latest = stats == null ? null : stats.getHistory().getLatestCompletedCheckpoint();
        if (latest == null
                || (!samples.isEmpty() && samples.get(samples.size() - 1).checkpointId() == latest.getCheckpointId())) {
            return;
        }
        Map<String, Long> byVertex = new LinkedHashMap<>();
        for (TaskStateStats task : latest.getAllTaskStateStats()) {
            JobVertexID vertex = task.getJobVertexId();
            byVertex.put(graph.getAllVertices().get(vertex).getName(), task.getStateSize());
        }
        samples.add(new Sample(millisSince(started), keysSeen, latest.getCheckpointId(), latest.getStateSize(), byVertex));
    }

    private static long maxSize(List<Sample> samples, long fromMillis, long toMillis) {
        return samples.stream()
                .filter(sample -> sample.elapsedMillis() >= fromMillis && sample.elapsedMillis() <= toMillis)
                .mapToLong(Sample::totalBytes)
                .max()
                .orElseThrow(() -> new AssertionError("no checkpoint completed from " + fromMillis + " to " + toMillis + " ms"));
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void sleepUntil(long startNanos, long millis) throws InterruptedException {
        long remaining = millis - millisSince(startNanos);
        if (remaining > 0) {
            Thread.sleep(remaining);
        }
    }

    /** One completed checkpoint: when it was seen, the keys seen by then, and its sizes in bytes. */
    private record Sample(long elapsedMillis, int keysSeen, long checkpointId, long totalBytes, Map<String, Long> byVertex) {}

    /**
     * Sends, at every tick, one metric point and one log line for each live key. Key {@code k}
     * starts at tick {@code k * TICKS_BETWEEN_KEYS} and ends {@value #POINTS_PER_KEY} ticks later.
     */
    private static final class Churn {

        private final KafkaProducer<byte[], byte[]> producer;
        private final FmadConfig config;
        private final SingleObjectCodec<MetricEvent> metricCodec = SingleObjectCodec.forClass(MetricEvent.class);
        private final SingleObjectCodec<LogEvent> logCodec = SingleObjectCodec.forClass(LogEvent.class);
        private final Random random = new Random(7);
        private int keysSeen;

        Churn(KafkaProducer<byte[], byte[]> producer, FmadConfig config) {
            this.producer = producer;
            this.config = config;
        }

        void send(long tick) {
            long time = START.plus(STEP.multipliedBy(tick)).toEpochMilli();
            long first = Math.max(0, (tick - POINTS_PER_KEY) / TICKS_BETWEEN_KEYS + 1);
            long last = tick / TICKS_BETWEEN_KEYS;
            for (long k = first; k <= last; k++) {
                String key = "churn-" + k;
                byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
                long position = tick - k * TICKS_BETWEEN_KEYS;
                double spike = position == SPIKE_AT ? 40 : 0;
                double value = 50 + 10 * Math.sin(tick / 20.0) + random.nextGaussian() + spike;
                producer.send(new ProducerRecord<>(
                        config.metricsTopic, keyBytes, metricCodec.encode(TestEvents.metric(key, time, value))));
                String message = String.format(TEMPLATES.get((int) (tick % TEMPLATES.size())), random.nextInt(1000));
                producer.send(new ProducerRecord<>(config.logs.logsTopic, keyBytes, logCodec.encode(log(key, time, message))));
            }
            keysSeen = (int) Math.max(keysSeen, last + 1);
        }

        int keysSeen() {
            return keysSeen;
        }

        private static LogEvent log(String key, long time, String message) {
            return LogEvent.newBuilder()
                    .setKey(key)
                    .setTimestamp(Instant.ofEpochMilli(time))
                    .setLevel(LogLevel.INFO)
                    .setMessage(message)
                    .setAttributes(Map.of())
                    .build();
        }
    }
}
