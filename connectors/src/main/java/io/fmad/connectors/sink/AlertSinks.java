package io.fmad.connectors.sink;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.DeadLetter;
import io.fmad.connectors.serde.SingleObjectCodec;

/**
 * Factories for the Kafka sinks of {@link AnomalyAlert}s and {@link DeadLetter}s. Values are
 * written in Avro single-object encoding. The Kafka record timestamp is the producer's time of
 * sending, because event times of replayed data can lie years back. Such timestamps would make
 * the broker's time-based retention delete the records at once.
 *
 * <p>At {@link DeliveryGuarantee#EXACTLY_ONCE} the sink writes in Kafka transactions committed on
 * Flink checkpoints, so consumers must read with {@code isolation.level=read_committed}, and
 * records become visible only after the checkpoint that covers them completes. The transaction
 * timeout must exceed the checkpoint interval and stay within the broker's {@code
 * transaction.max.timeout.ms}; check it with {@link TransactionTimeouts#validate} at job start.
 */
public final class AlertSinks {

    private AlertSinks() {}

    /**
     * Creates a sink that writes alerts to {@code topic}, keyed by the UTF-8 bytes of the alert key.
     *
     * @param bootstrapServers Kafka bootstrap servers, {@code host:port[,host:port...]}
     * @param topic topic to write
     * @param guarantee delivery guarantee
     * @param transactionalIdPrefix prefix of the transactional ids, unique per job on the cluster;
     *     required for {@code EXACTLY_ONCE}, may be null otherwise
     * @param transactionTimeout Kafka transaction timeout; required for {@code EXACTLY_ONCE}, may be
     *     null otherwise (non-transactional producers do not use it)
     * @param extraProducerProperties further producer properties, may be null
     * @throws IllegalArgumentException if a required argument is missing or blank, or the timeout is
     *     not positive
     */
    public static KafkaSink<AnomalyAlert> alerts(
            String bootstrapServers,
            String topic,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix,
            Duration transactionTimeout,
            Properties extraProducerProperties) {
        return build(
                bootstrapServers, topic, guarantee, transactionalIdPrefix, transactionTimeout,
                extraProducerProperties, new AlertSerializer(topic));
    }

    /**
     * Creates a sink that writes dead letters to {@code topic}, keyed by the rejected record's raw
     * key bytes when it had a key, and without a key otherwise. Parameters as in {@link #alerts}.
     */
    public static KafkaSink<DeadLetter> deadLetters(
            String bootstrapServers,
            String topic,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix,
            Duration transactionTimeout,
            Properties extraProducerProperties) {
        return build(
                bootstrapServers, topic, guarantee, transactionalIdPrefix, transactionTimeout,
                extraProducerProperties, new DeadLetterSerializer(topic));
    }

    private static <T> KafkaSink<T> build(
            String bootstrapServers,
            String topic,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix,
            Duration transactionTimeout,
            Properties extraProducerProperties,
            KafkaRecordSerializationSchema<T> serializer) {
        requireNonBlank("bootstrapServers", bootstrapServers);
        requireNonBlank("topic", topic);
        Objects.requireNonNull(guarantee, "guarantee must not be null");

        Properties properties = new Properties();
        if (extraProducerProperties != null) {
            properties.putAll(extraProducerProperties);
        }

        KafkaSinkBuilder<T> builder =
                KafkaSink.<T>builder()
                        .setBootstrapServers(bootstrapServers)
                        .setDeliveryGuarantee(guarantee)
                        .setRecordSerializer(serializer);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            requireNonBlank("transactionalIdPrefix", transactionalIdPrefix);
            Objects.requireNonNull(transactionTimeout, "transactionTimeout must not be null for EXACTLY_ONCE");
        }
        if (transactionTimeout != null) {
            if (transactionTimeout.isNegative() || transactionTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "Invalid transactionTimeout " + transactionTimeout + ": must be positive");
            }
            properties.setProperty(
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(transactionTimeout.toMillis()));
        }
        if (transactionalIdPrefix != null) {
            builder.setTransactionalIdPrefix(transactionalIdPrefix);
        }
        return builder.setKafkaProducerConfig(properties).build();
    }

    private static void requireNonBlank(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    "Invalid " + name + " '" + value + "': must not be null or blank");
        }
    }

    /** Writes an alert keyed by its key. */
    static final class AlertSerializer implements KafkaRecordSerializationSchema<AnomalyAlert> {

        private static final long serialVersionUID = 1L;

        private final String topic;
        private final SingleObjectCodec<AnomalyAlert> codec = SingleObjectCodec.forClass(AnomalyAlert.class);

        AlertSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(AnomalyAlert alert, KafkaSinkContext context, Long timestamp) {
            byte[] key = alert.getKey().getBytes(StandardCharsets.UTF_8);
            return new ProducerRecord<>(topic, key, codec.encode(alert));
        }
    }

    /** Writes a dead letter keyed by the raw key of the rejected record. */
    static final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

        private static final long serialVersionUID = 1L;

        private final String topic;
        private final SingleObjectCodec<DeadLetter> codec = SingleObjectCodec.forClass(DeadLetter.class);

        DeadLetterSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(DeadLetter deadLetter, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, toBytes(deadLetter.getRawKey()), codec.encode(deadLetter));
        }

        private static byte[] toBytes(ByteBuffer buffer) {
            if (buffer == null) {
                return null;
            }
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes;
        }
    }
}
