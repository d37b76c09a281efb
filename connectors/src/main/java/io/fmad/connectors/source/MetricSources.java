package io.fmad.connectors.source;

import java.util.Objects;
import java.util.Properties;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** Factory for the Kafka source of {@link io.fmad.avro.MetricEvent}s with dead-lettering. */
public final class MetricSources {

    /** The only isolation level accepted: aborted transactions of producers must stay invisible. */
    public static final String ISOLATION_LEVEL = "read_committed";

    private MetricSources() {}

    /**
     * Creates a source that reads single-object encoded metric events from {@code topic}, validates
     * them with {@code validator} and emits invalid records as dead letters (see {@link
     * MetricEventDeserializer}).
     *
     * @param bootstrapServers Kafka bootstrap servers, {@code host:port[,host:port...]}
     * @param topic topic to read
     * @param groupId consumer group id, used for committing offsets on checkpoints
     * @param startingOffsets where to start when the group has no committed offsets or the job no
     *     state, for example {@code OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST)}
     * @param bounded if true, the source stops at the latest offsets as of job start
     * @param extraConsumerProperties further consumer properties, may be null or empty; they
     *     cannot change {@code isolation.level}
     * @param validator checks applied to each decoded event
     * @throws IllegalArgumentException if a string argument is blank or the extra properties set
     *     another isolation level
     */
    public static KafkaSource<IngestedMetric> create(
            String bootstrapServers,
            String topic,
            String groupId,
            OffsetsInitializer startingOffsets,
            boolean bounded,
            Properties extraConsumerProperties,
            MetricValidator validator) {
        Objects.requireNonNull(validator, "validator must not be null");
        return build(
                bootstrapServers, topic, groupId, startingOffsets, bounded, extraConsumerProperties,
                new MetricEventDeserializer(validator), "metrics");
    }

    /**
     * Builds a {@code read_committed} source of {@code topic}; parameters as in {@link #create}.
     *
     * @param sourceName what the source reads, for error messages, for example {@code metrics}
     */
    static <T> KafkaSource<T> build(
            String bootstrapServers,
            String topic,
            String groupId,
            OffsetsInitializer startingOffsets,
            boolean bounded,
            Properties extraConsumerProperties,
            KafkaRecordDeserializationSchema<T> deserializer,
            String sourceName) {
        requireNonBlank("bootstrapServers", bootstrapServers);
        requireNonBlank("topic", topic);
        requireNonBlank("groupId", groupId);
        Objects.requireNonNull(startingOffsets, "startingOffsets must not be null");

        Properties properties = new Properties();
        if (extraConsumerProperties != null) {
            properties.putAll(extraConsumerProperties);
        }
        Object isolation = properties.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
        if (isolation != null && !ISOLATION_LEVEL.equals(isolation.toString())) {
            throw new IllegalArgumentException(
                    "Invalid consumer property " + ConsumerConfig.ISOLATION_LEVEL_CONFIG + "="
                            + isolation + ": the " + sourceName + " source only reads " + ISOLATION_LEVEL
                            + " records; remove the property");
        }
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, ISOLATION_LEVEL);

        KafkaSourceBuilder<T> builder =
                KafkaSource.<T>builder()
                        .setBootstrapServers(bootstrapServers)
                        .setTopics(topic)
                        .setGroupId(groupId)
                        .setStartingOffsets(startingOffsets)
                        .setProperties(properties)
                        .setDeserializer(deserializer);
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    static void requireNonBlank(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    "Invalid " + name + " '" + value + "': must not be null or blank");
        }
    }
}
