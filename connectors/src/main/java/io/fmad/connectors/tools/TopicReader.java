package io.fmad.connectors.tools;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Reads whole topics from the beginning with a {@code read_committed} consumer ({@link
 * AlertConsoleConsumer#consumerProperties}), for the demo's summaries and the tests' assertions.
 *
 * <p>A topic written in transactions contains commit markers too, so its end offset is above its
 * record count: the reader compares positions with end offsets instead of counting records.
 */
public final class TopicReader {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private TopicReader() {}

    /**
     * Assigns every partition of {@code topic} to {@code consumer} and seeks to the beginning.
     *
     * @return the assigned partitions
     */
    public static List<TopicPartition> assignFromBeginning(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic).stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .collect(Collectors.toList());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    /** Returns whether {@code consumer} has read every partition up to its current end offset. */
    public static boolean caughtUp(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < end.get(partition)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads {@code topic} from the beginning to the end offsets it has when the read starts, and
     * passes each committed record to {@code onRecord}.
     *
     * @return the number of records read
     * @throws IllegalStateException if the end is not reached within {@code timeout}
     */
    public static long readToEnd(
            String bootstrapServers,
            String topic,
            Duration timeout,
            Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(AlertConsoleConsumer.consumerProperties(bootstrapServers))) {
            List<TopicPartition> partitions = assignFromBeginning(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            long count = 0;
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Timed out after " + timeout + " reading topic " + topic + " to offsets " + end);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                    onRecord.accept(record);
                    count++;
                }
            }
            return count;
        }
    }
}
