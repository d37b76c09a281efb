package io.fmad.connectors.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.fmad.avro.AnomalyAlert;
import io.fmad.connectors.serde.SingleObjectCodec;

/**
 * Command-line tool that prints the {@link AnomalyAlert}s of a topic, one line each (see {@link
 * AlertFormatter}). It reads with {@code isolation.level=read_committed}, so alerts of
 * transactions still open or aborted are not shown, and it assigns all partitions itself without a
 * consumer group, so it commits no offsets.
 *
 * <p>An undecodable record prints a warning line with its partition and offset to the error
 * stream. Exit codes: 0 when done, 1 when the topic cannot be read, 2 for invalid arguments.
 */
public final class AlertConsoleConsumer {

    static final String USAGE =
            "Usage: AlertConsoleConsumer --bootstrap-servers HOST:PORT --topic TOPIC\n"
                    + "                            [--from-beginning] [--max-alerts N] [--timeout-seconds S]\n"
                    + "  --bootstrap-servers  Kafka bootstrap servers\n"
                    + "  --topic              topic to read alerts from\n"
                    + "  --from-beginning     start at the earliest offsets instead of the end\n"
                    + "  --max-alerts         stop after N alerts; 0 (default) means no limit\n"
                    + "  --timeout-seconds    stop after S seconds; 0 (default) means run until interrupted";

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private AlertConsoleConsumer() {}

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
        boolean fromBeginning;
        long maxAlerts;
        long timeoutSeconds;
        try {
            CommandLineOptions options = CommandLineOptions.parse(
                    args, Set.of("bootstrap-servers", "topic", "max-alerts", "timeout-seconds"), Set.of("from-beginning"));
            bootstrapServers = options.required("bootstrap-servers");
            topic = options.required("topic");
            fromBeginning = options.flag("from-beginning");
            maxAlerts = options.nonNegativeLong("max-alerts", 0);
            timeoutSeconds = options.nonNegativeLong("timeout-seconds", 0);
        } catch (UsageException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(bootstrapServers))) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            if (partitions == null || partitions.isEmpty()) {
                err.println("Topic " + topic + " not found at " + bootstrapServers);
                return 1;
            }
            List<TopicPartition> assigned =
                    partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            if (fromBeginning) {
                consumer.seekToBeginning(assigned);
            } else {
                consumer.seekToEnd(assigned);
            }
            printAlerts(consumer, maxAlerts, timeoutSeconds, out, err);
            return 0;
        } catch (KafkaException e) {
            err.println("Failed to read topic " + topic + " at " + bootstrapServers + ": " + e.getMessage());
            return 1;
        }
    }

    private static void printAlerts(
            KafkaConsumer<byte[], byte[]> consumer, long maxAlerts, long timeoutSeconds, PrintStream out, PrintStream err) {
        SingleObjectCodec<AnomalyAlert> codec = SingleObjectCodec.forClass(AnomalyAlert.class);
        long deadline = timeoutSeconds == 0 ? Long.MAX_VALUE : System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        long printed = 0;
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                String line = decodeLine(codec, record);
                if (line == null) {
                    continue;
                }
                if (line.startsWith("WARN ")) {
                    err.println(line);
                    continue;
                }
                out.println(line);
                printed++;
                if (maxAlerts > 0 && printed >= maxAlerts) {
                    out.flush();
                    return;
                }
            }
            out.flush();
        }
    }

    /** Returns the formatted alert, or a line starting with {@code WARN } when it cannot be decoded. */
    static String decodeLine(SingleObjectCodec<AnomalyAlert> codec, ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null || record.value().length == 0) {
            return "WARN partition " + record.partition() + " offset " + record.offset() + ": empty record value";
        }
        try {
            return AlertFormatter.format(codec.decode(record.value()));
        } catch (IOException | RuntimeException e) {
            return "WARN partition " + record.partition() + " offset " + record.offset()
                    + ": undecodable alert (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Returns settings of a consumer that reads raw bytes as a downstream service should read fmad's
     * topics: {@code isolation.level=read_committed}, so records of aborted transactions stay
     * invisible, and no offset commits.
     */
    public static Properties consumerProperties(String bootstrapServers) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return properties;
    }
}
