package io.fmad.job.local;

import io.fmad.connectors.tools.AlertConsoleConsumer;
import io.fmad.avro.AnomalyAlert;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.tools.AlertFormatter;
import io.fmad.connectors.tools.TopicReader;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Prints alerts from a topic as they become visible to {@code read_committed} consumers, on its
 * own thread, and keeps them for the summary. {@link #finish} reads up to the end of the topic and
 * stops.
 */
final class AlertPrinter implements Runnable, AutoCloseable {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final String bootstrapServers;
    private final String topic;
    private final PrintStream out;
    private final long startNanos;
    private final SingleObjectCodec<AnomalyAlert> codec = SingleObjectCodec.forClass(AnomalyAlert.class);
    private final List<AnomalyAlert> alerts = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;

    private volatile boolean finishing;
    private volatile long firstAlertNanos = -1;
    private volatile int undecodable;
    private volatile Exception failure;

    AlertPrinter(String bootstrapServers, String topic, PrintStream out, long startNanos) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.out = out;
        this.startNanos = startNanos;
        this.thread = new Thread(this, "fmad-alert-printer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        Properties properties = AlertConsoleConsumer.consumerProperties(bootstrapServers);

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = TopicReader.assignFromBeginning(consumer, topic);

            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                    print(record);
                }
                if (finishing && TopicReader.caughtUp(consumer, partitions)) {
                    break;
                }
            }
        } catch (Exception e) {
            failure = e;
        } finally {
            stopped.countDown();
        }
    }

    private void print(ConsumerRecord<byte[], byte[]> record) {
        AnomalyAlert alert;
        try {
            alert = codec.decode(record.value());
        } catch (IOException | RuntimeException e) {
            undecodable++;
            out.printf("WARN undecodable alert at partition %d offset %d: %s%n",
                    record.partition(), record.offset(), e.getMessage());
            return;
        }
        if (firstAlertNanos < 0) {
            firstAlertNanos = System.nanoTime();
        }
        synchronized (this) {
            alerts.add(alert);
        }
        out.println("ALERT " + AlertFormatter.format(alert));
    }

    /** Reads to the end of the topic, then stops. */
    void finish(Duration timeout) throws Exception {
        finishing = true;
        if (!stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Alert printer did not reach the end of topic " + topic + " within " + timeout);
        }
        if (failure != null) {
            throw failure;
        }
    }

    synchronized List<AnomalyAlert> alerts() {
        return new ArrayList<>(alerts);
    }

    int undecodable() {
        return undecodable;
    }

    /** Seconds from the runner's start to the first alert, or -1 when there was none. */
    double secondsToFirstAlert() {
        long first = firstAlertNanos;
        return first < 0 ? -1 : (first - startNanos) / 1e9;
    }

    @Override
    public void close() {
        finishing = true;
        thread.interrupt();
    }
}
