package io.fmad.benchmarks;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.job.config.FmadConfig;

import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures event-to-alert latency of the fmad job at a fixed input rate.
 *
 * <p>The input topic first gets {@code historyRounds} rounds with past event times, so every key
 * is past the detector's warm-up; the job reads them at full speed. Once it has caught up, a producer writes live
 * events at {@code rate} events per second, stamped with the wall-clock time at which they are
 * sent. An alert's latency is the time a consumer receives it less its window end, the time of
 * the newest event in the alerted window: the time from that event's send to the alert. Two
 * consumers read the alerts: one with {@code read_uncommitted}, which reads an alert once the sink
 * has written it, and one with {@code read_committed}, which reads it once the checkpoint that
 * commits the sink's transaction completes. Only alerts whose window ends in the measuring
 * period, which starts {@code settle} after the live input, count.
 */
final class LatencyRun {

    private static final Logger LOG = LoggerFactory.getLogger(LatencyRun.class);

    /** Event time between the history's rounds. */
    private static final long HISTORY_STEP_MILLIS = 1_000;

    record Result(
            double targetRate,
            double achievedRate,
            int keys,
            long alertsWritten,
            long alertsCommitted,
            Percentiles written,
            Percentiles committed) {}

    /** Percentiles of a latency sample, in milliseconds. */
    record Percentiles(long p50, long p99, long max, int samples) {

        static Percentiles of(List<Long> latencies) {
            if (latencies.isEmpty()) {
                return new Percentiles(-1, -1, -1, 0);
            }
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            return new Percentiles(at(sorted, 0.50), at(sorted, 0.99), sorted.get(sorted.size() - 1), sorted.size());
        }

        /** Nearest-rank percentile. */
        private static long at(List<Long> sorted, double quantile) {
            int rank = (int) Math.ceil(quantile * sorted.size());
            return sorted.get(Math.max(0, rank - 1));
        }
    }

    private LatencyRun() {}

    static Result run(
            BrokerProcess broker,
            Path workDir,
            JobRun.Plan plan,
            int historyRounds,
            double rate,
            Duration settle,
            Duration measure,
            Map<String, String> flinkOptions)
            throws Exception {
        SyntheticMetrics metrics = plan.metrics();
        FmadConfig config = FmadConfig.from(JobRun.jobOptions(plan, broker.bootstrapServers()));
        broker.createTopic(config.metricsTopic, plan.parallelism());
        broker.createTopic(config.alertsTopic, plan.parallelism());
        broker.createTopic(config.deadLettersTopic, 1);

        long liveStart = System.currentTimeMillis();
        SyntheticMetrics history =
                new SyntheticMetrics(metrics.keys(), liveStart - historyRounds * HISTORY_STEP_MILLIS, HISTORY_STEP_MILLIS);
        TopicFill.fill(broker.bootstrapServers(), config.metricsTopic, history, historyRounds);
        long historyWindows = JobRun.target(
                new JobRun.Plan(Variant.FMAD, history, historyRounds, config.metricsTopic, config.alertsTopic,
                        plan.runId(), plan.parallelism(), plan.options()),
                config.windowSize, config.windowSlide);

        AlertConsumer written = new AlertConsumer(broker.bootstrapServers(), config.alertsTopic, "read_uncommitted");
        AlertConsumer committed = new AlertConsumer(broker.bootstrapServers(), config.alertsTopic, "read_committed");
        LiveProducer producer = new LiveProducer(broker.bootstrapServers(), config.metricsTopic, metrics, historyRounds, rate);
        JobClient job = null;
        try {
            written.start();
            committed.start();

            job = JobRun.start(plan, config, workDir, flinkOptions);
            awaitCount(job, plan.runId(), "detector", historyWindows, Duration.ofMinutes(10));
            // Live input starts only now, so the job never works off a backlog while measured.
            producer.start();
            long measureStart = System.currentTimeMillis() + settle.toMillis();
            long measureEnd = measureStart + measure.toMillis();
            LOG.info("{}: caught up with the history; measuring from {} for {}", plan.runId(), measureStart, measure);
            // An event enters its window only when the watermark, which trails the newest event by
            // the out-of-orderness, passes it. So the input continues that long past the period.
            sleepUntil(measureEnd + config.outOfOrderness.toMillis() + 1_000);
            producer.stop();
            // The committed consumer reads the last alerts only after the next checkpoint.
            TimeUnit.MILLISECONDS.sleep(config.checkpointInterval.multipliedBy(2).toMillis() + 2_000);
            written.stop();
            committed.stop();
            List<Long> writtenLatencies = written.latencies(measureStart, measureEnd);
            List<Long> committedLatencies = committed.latencies(measureStart, measureEnd);
            double achieved = producer.sentBetween(measureStart, measureEnd) * 1000.0 / measure.toMillis();
            return new Result(
                    rate, achieved, metrics.keys(), writtenLatencies.size(), committedLatencies.size(),
                    Percentiles.of(writtenLatencies), Percentiles.of(committedLatencies));
        } finally {
            producer.stop();
            written.stop();
            committed.stop();
            if (job != null) {
                JobRun.stop(job, plan, workDir);
            }
        }
    }

    /**
     * Waits until the operator's records-in counter reaches {@code count}, and returns the wall-clock
     * time then. Throws within about a second when the job fails.
     */
    private static long awaitCount(JobClient job, String runId, String operator, long count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long polls = 1; System.nanoTime() < deadline; polls++) {
            if (CollectingReporter.sum(operator, "numRecordsIn") >= count) {
                return System.currentTimeMillis();
            }
            if (polls % 100 == 0) {
                JobRun.failIfEnded(job, runId);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new IllegalStateException(operator + " did not reach " + count + " records within " + timeout);
    }

    private static void sleepUntil(long wallMillis) throws InterruptedException {
        long wait = wallMillis - System.currentTimeMillis();
        if (wait > 0) {
            TimeUnit.MILLISECONDS.sleep(wait);
        }
    }

    /** A daemon thread that runs a loop while {@link #running} is set, until {@link #stop}. */
    private abstract static class BackgroundLoop {

        final AtomicBoolean running = new AtomicBoolean();
        private Thread thread;

        void start(String name, Runnable loop) {
            running.set(true);
            thread = new Thread(loop, name);
            thread.setDaemon(true);
            thread.start();
        }

        /** Ends the loop and waits up to 30 s for its thread. */
        void stop() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
    }

    /** Writes live events at a fixed rate, one key after another, stamped with the send time. */
    private static final class LiveProducer extends BackgroundLoop {

        private final String bootstrapServers;
        private final String topic;
        private final SyntheticMetrics metrics;
        private final long firstRound;
        private final double rate;
        private final List<long[]> sendLog = Collections.synchronizedList(new ArrayList<>());
        private final AtomicLong sent = new AtomicLong();

        LiveProducer(String bootstrapServers, String topic, SyntheticMetrics metrics, long firstRound, double rate) {
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
            this.metrics = metrics;
            this.firstRound = firstRound;
            this.rate = rate;
        }

        void start() {
            start("live-producer", this::produce);
        }

        /** Events sent between two wall-clock times, from the per-second log. */
        long sentBetween(long fromMillis, long toMillis) {
            long total = 0;
            synchronized (sendLog) {
                for (long[] entry : sendLog) {
                    if (entry[0] >= fromMillis && entry[0] < toMillis) {
                        total += entry[1];
                    }
                }
            }
            return total;
        }

        private void produce() {
            SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);
            long startNanos = System.nanoTime();
            long logSecond = System.currentTimeMillis();
            long inSecond = 0;
            long lastTimestamp = Long.MIN_VALUE;
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(TopicFill.producerProperties(bootstrapServers, 1))) {
                long n = 0;
                while (running.get()) {
                    long due = startNanos + (long) (n * 1e9 / rate);
                    long ahead = due - System.nanoTime();
                    if (ahead > 0) {
                        TimeUnit.NANOSECONDS.sleep(ahead);
                    }
                    int k = (int) (n % metrics.keys());
                    long round = firstRound + n / metrics.keys();
                    long now = Math.max(lastTimestamp, System.currentTimeMillis());
                    lastTimestamp = now;
                    MetricEvent event = metrics.event(k, round, now);
                    producer.send(new ProducerRecord<>(
                            topic, null, now, metrics.key(k).getBytes(StandardCharsets.UTF_8), codec.encode(event)));
                    n++;
                    sent.incrementAndGet();
                    inSecond++;
                    if (now - logSecond >= 1000) {
                        sendLog.add(new long[] {logSecond, inSecond});
                        logSecond = now;
                        inSecond = 0;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                // The last, partial second, which no later event closes.
                sendLog.add(new long[] {logSecond, inSecond});
            }
        }
    }

    /** Reads alerts and records, per OPEN or UPDATE alert, its window end and when it arrived. */
    private static final class AlertConsumer extends BackgroundLoop {

        private final Properties properties = new Properties();
        private final String topic;
        private final List<long[]> arrivals = Collections.synchronizedList(new ArrayList<>());

        AlertConsumer(String bootstrapServers, String topic, String isolation) {
            this.topic = topic;
            properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            properties.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            properties.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
            properties.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            properties.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "latency-" + isolation + "-" + System.nanoTime());
            properties.setProperty(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
        }

        void start() {
            start("alert-consumer-" + properties.getProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG), this::consume);
        }

        /** Latencies, in milliseconds, of the alerts whose window ends in [from, to). */
        List<Long> latencies(long fromMillis, long toMillis) {
            List<Long> latencies = new ArrayList<>();
            synchronized (arrivals) {
                for (long[] arrival : arrivals) {
                    if (arrival[0] >= fromMillis && arrival[0] < toMillis) {
                        latencies.add(arrival[1] - arrival[0]);
                    }
                }
            }
            return latencies;
        }

        private void consume() {
            SingleObjectCodec<AnomalyAlert> codec = SingleObjectCodec.forClass(AnomalyAlert.class);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
                consumer.subscribe(List.of(topic));
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                        long arrived = System.currentTimeMillis();
                        try {
                            AnomalyAlert alert = codec.decode(record.value());
                            if (alert.getStatus() != AlertStatus.RESOLVED) {
                                arrivals.add(new long[] {alert.getWindowEnd().toEpochMilli(), arrived});
                            }
                        } catch (java.io.IOException e) {
                            LOG.warn("Undecodable alert at offset {}: {}", record.offset(), e.toString());
                        }
                    }
                }
            }
        }
    }

    static Map<String, String> liveOptions(Duration outOfOrderness) {
        return Map.of("watermark.out-of-orderness", outOfOrderness.toMillis() + " ms");
    }
}
