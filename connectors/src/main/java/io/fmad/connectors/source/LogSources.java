package io.fmad.connectors.source;

import java.util.Objects;
import java.util.Properties;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/** Factory for the Kafka source of {@link io.fmad.avro.LogEvent}s with dead-lettering. */
public final class LogSources {

    private LogSources() {}

    /**
     * Creates a source that reads single-object encoded log events from {@code topic} with {@code
     * isolation.level=read_committed}, validates them with {@code validator} and emits invalid
     * records as dead letters (see {@link LogEventDeserializer}). Parameters as in {@link
     * MetricSources#create}.
     *
     * @throws IllegalArgumentException if a string argument is blank or the extra properties set
     *     another isolation level
     */
    public static KafkaSource<IngestedLog> create(
            String bootstrapServers,
            String topic,
            String groupId,
            OffsetsInitializer startingOffsets,
            boolean bounded,
            Properties extraConsumerProperties,
            LogValidator validator) {
        Objects.requireNonNull(validator, "validator must not be null");
        return MetricSources.build(
                bootstrapServers, topic, groupId, startingOffsets, bounded, extraConsumerProperties,
                new LogEventDeserializer(validator), "logs");
    }
}
