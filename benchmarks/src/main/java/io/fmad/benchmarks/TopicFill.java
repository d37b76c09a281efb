package io.fmad.benchmarks;

import io.fmad.avro.MetricEvent;
import io.fmad.connectors.serde.SingleObjectCodec;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/** Writes the benchmark's input to a topic, keyed by the event key as the job's producers would. */
final class TopicFill {

    private TopicFill() {}

    /** Producer settings for bulk loading: large batches, LZ4, acknowledged by the leader. */
    static Properties producerProperties(String bootstrapServers, int lingerMillis) {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "1");
        properties.setProperty(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMillis));
        properties.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        properties.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        return properties;
    }

    /**
     * Writes {@code rounds} rounds of {@code metrics} to {@code topic} and returns the number of
     * events written.
     */
    static long fill(String bootstrapServers, String topic, SyntheticMetrics metrics, int rounds) {
        SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long written = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerProperties(bootstrapServers, 20))) {
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < metrics.keys(); k++) {
                    MetricEvent event = metrics.event(k, round);
                    producer.send(
                            new ProducerRecord<>(
                                    topic, null, event.getTimestamp().toEpochMilli(),
                                    metrics.key(k).getBytes(StandardCharsets.UTF_8), codec.encode(event)),
                            (metadata, exception) -> {
                                if (exception != null) {
                                    failure.compareAndSet(null, exception);
                                }
                            });
                    written++;
                }
                if (failure.get() != null) {
                    break;
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Filling topic " + topic + " failed", failure.get());
        }
        return written;
    }
}
