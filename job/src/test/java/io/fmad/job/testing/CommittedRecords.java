package io.fmad.job.testing;

import io.fmad.connectors.tools.AlertConsoleConsumer;
import io.fmad.connectors.serde.SingleObjectCodec;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/** Reads whole topics with a {@code read_committed} consumer, for assertions. */
public final class CommittedRecords {

    private CommittedRecords() {}

    public static <T extends SpecificRecord> List<T> readAll(String bootstrapServers, String topic, Class<T> type)
            throws IOException {
        SingleObjectCodec<T> codec = SingleObjectCodec.forClass(type);
        Properties properties = AlertConsoleConsumer.consumerProperties(bootstrapServers);

        List<T> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(info -> new TopicPartition(topic, info.partition()))
                            .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out reading topic " + topic + " to offsets " + end);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(codec.decode(record.value()));
                }
            }
        }
        return records;
    }
}
