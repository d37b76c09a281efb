package io.fmad.connectors.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.fmad.avro.MetricEvent;
import io.fmad.connectors.serde.SingleObjectCodec;

/**
 * Command-line tool that writes NAB-format CSV files to a Kafka topic as {@link MetricEvent}s in
 * Avro single-object encoding, keyed by the UTF-8 bytes of the event key, merged across files in
 * timestamp order.
 *
 * <p>The Kafka record timestamp is the time of sending, not the event time, because event times of
 * historical data would make the broker's time-based retention delete the records at once.
 *
 * <p>Exit codes: 0 on success, 1 when reading the input or writing to Kafka fails, 2 for invalid
 * arguments.
 */
public final class ReplayTool {

    static final String USAGE =
            "Usage: ReplayTool --bootstrap-servers HOST:PORT --topic TOPIC --input PATH\n"
                    + "                  [--rate EVENTS_PER_SECOND] [--value-name NAME]\n"
                    + "  --bootstrap-servers  Kafka bootstrap servers\n"
                    + "  --topic              topic to write the metric events to\n"
                    + "  --input              a NAB-format CSV file, or a directory searched recursively for *.csv\n"
                    + "  --rate               events per second; 0 (default) sends as fast as possible\n"
                    + "  --value-name         name of the value in each event (default: value)";

    private ReplayTool() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool and returns its exit code, without calling {@link System#exit}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (Arrays.asList(args).contains("--help")) {
            out.println(USAGE);
            return 0;
        }
        String bootstrapServers;
        String topic;
        Path input;
        double rate;
        String valueName;
        try {
            CommandLineOptions options = CommandLineOptions.parse(
                    args, Set.of("bootstrap-servers", "topic", "input", "rate", "value-name"), Set.of());
            bootstrapServers = options.required("bootstrap-servers");
            topic = options.required("topic");
            input = Path.of(options.required("input"));
            rate = options.nonNegativeDouble("rate", 0);
            valueName = options.optional("value-name", NabCsvReader.DEFAULT_VALUE_NAME);
            if (valueName.isBlank()) {
                throw new UsageException("Invalid value '' for option --value-name: must not be blank");
            }
        } catch (UsageException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }

        long startNanos = System.nanoTime();
        NabCsvReader.ReadResult result;
        try {
            result = new NabCsvReader(valueName).read(input);
        } catch (IOException e) {
            err.println("Failed to read input " + input + ": " + e.getMessage());
            return 1;
        }
        List<MetricEvent> events = result.mergedEvents();

        long sent;
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(bootstrapServers))) {
            sent = replay(producer, topic, events, rate);
        } catch (KafkaException e) {
            err.println("Failed to write to topic " + topic + " at " + bootstrapServers + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("Interrupted while writing to topic " + topic);
            return 1;
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        out.printf(
                "Replayed %d events from %d files to topic %s (%d invalid rows skipped) in %.3f s%n",
                sent, result.series().size(), topic, result.skippedRows(), elapsedMs / 1000.0);
        return 0;
    }

    /** Returns producer settings for the replay: byte-array serializers, {@code acks=all}, idempotence. */
    public static Properties producerProperties(String bootstrapServers) {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        properties.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        return properties;
    }

    /**
     * Sends {@code events} in list order and flushes the producer.
     *
     * @param rate events per second, or 0 to send as fast as possible
     * @return the number of events the broker acknowledged
     * @throws KafkaException if any send failed, with the first failure as the cause
     */
    public static long replay(Producer<byte[], byte[]> producer, String topic, List<MetricEvent> events, double rate)
            throws InterruptedException {
        return replay(producer, topic, events, SingleObjectCodec.forClass(MetricEvent.class), MetricEvent::getKey, rate);
    }

    /**
     * Sends {@code records} in list order, each encoded with {@code codec} and keyed by the UTF-8
     * bytes of {@code key}, and flushes the producer.
     *
     * @param rate records per second, or 0 to send as fast as possible
     * @return the number of records the broker acknowledged
     * @throws KafkaException if any send failed, with the first failure as the cause
     */
    public static <T extends SpecificRecord> long replay(
            Producer<byte[], byte[]> producer,
            String topic,
            List<T> records,
            SingleObjectCodec<T> codec,
            Function<T, String> key,
            double rate)
            throws InterruptedException {
        Objects.requireNonNull(producer, "producer must not be null");
        Objects.requireNonNull(topic, "topic must not be null");
        if (rate < 0 || !Double.isFinite(rate)) {
            throw new IllegalArgumentException("Invalid rate " + rate + ": must be 0 (unthrottled) or a positive number of records per second");
        }
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();

        long startNanos = System.nanoTime();
        for (int i = 0; i < records.size(); i++) {
            if (rate > 0) {
                pace(startNanos, i, rate);
            }
            T record = records.get(i);
            byte[] recordKey = key.apply(record).getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topic, recordKey, codec.encode(record)), (metadata, exception) -> {
                if (exception == null) {
                    acknowledged.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, exception);
                }
            });
        }
        producer.flush();
        if (firstFailure.get() != null) {
            throw new KafkaException(
                    failed.get() + " of " + records.size() + " records failed to send to topic " + topic
                            + "; first failure: " + firstFailure.get().getMessage(),
                    firstFailure.get());
        }
        return acknowledged.get();
    }

    /** Waits until event {@code index} is due at {@code rate} events per second after the start. */
    private static void pace(long startNanos, int index, double rate) throws InterruptedException {
        long dueNanos = startNanos + (long) (index * 1_000_000_000.0 / rate);
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
    }
}
