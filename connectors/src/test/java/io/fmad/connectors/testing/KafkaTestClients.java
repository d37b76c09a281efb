package io.fmad.connectors.testing;

import io.fmad.connectors.kafka.EmbeddedKafkaBroker;
import io.fmad.connectors.tools.TopicReader;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Helpers for reading topics in tests. */
public final class KafkaTestClients {

    private KafkaTestClients() {}

    /**
     * Reads a topic from the beginning with {@code read_committed} until the end offsets as of the
     * call are reached.
     *
     * @throws IllegalStateException if they are not reached within {@code timeout}
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(EmbeddedKafkaBroker broker, String topic, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        TopicReader.readToEnd(broker.bootstrapServers(), topic, timeout, records::add);
        return records;
    }
}
