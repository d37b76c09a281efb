package io.fmad.connectors.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmad.avro.DeadLetter;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.serde.SingleObjectCodec;

/**
 * Reads {@link MetricEvent}s in Avro single-object encoding from Kafka records and dead-letters
 * every record that cannot be decoded or fails {@link MetricValidator}.
 *
 * <p>Bad input never fails the job: each rejected record becomes an {@link
 * IngestedMetric#rejected} carrying the source topic, partition, offset, record timestamp, the
 * unchanged key and value bytes, the {@link RejectReason} and a readable error.
 *
 * <p>Metrics registered in {@link #open}: counters {@value #EVENTS_IN} and {@value #EVENTS_VALID},
 * and one counter per {@link RejectReason} in the group {@value #DEAD_LETTER_GROUP}. The first
 * record of each reason in a parallel instance is logged at WARN with its partition and offset;
 * later ones are logged at DEBUG and counted.
 */
public final class MetricEventDeserializer implements KafkaRecordDeserializationSchema<IngestedMetric> {

    private static final long serialVersionUID = 1L;

    /** Counter of all records read. */
    public static final String EVENTS_IN = "eventsIn";

    /** Counter of records emitted as valid events. */
    public static final String EVENTS_VALID = "eventsValid";

    /** Metric group that contains one counter per {@link RejectReason}, named after it. */
    public static final String DEAD_LETTER_GROUP = "deadLetters";

    private static final Logger LOG = LoggerFactory.getLogger(MetricEventDeserializer.class);

    private final MetricValidator validator;
    private final SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);

    private transient Counter eventsIn;
    private transient Counter eventsValid;
    private transient Map<RejectReason, Counter> deadLetterCounters;

    public MetricEventDeserializer(MetricValidator validator) {
        this.validator = Objects.requireNonNull(validator, "validator must not be null");
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        registerMetrics(context.getMetricGroup());
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IngestedMetric> out) {
        if (eventsIn == null) {
            // Not opened, as in unit tests, so count into counters that no metric reporter reads.
            initUnregisteredCounters();
        }
        eventsIn.inc();

        byte[] value = record.value();
        if (value == null || value.length == 0) {
            String description = value == null ? "null (a tombstone)" : "empty";
            reject(record, new Rejection(RejectReason.NULL_VALUE, "record value is " + description), out);
            return;
        }

        MetricEvent event;
        try {
            event = codec.decode(value);
        } catch (IOException | RuntimeException e) {
            reject(record, classifyDecodeFailure(e, value.length), out);
            return;
        }

        Optional<Rejection> rejection = validator.validate(event);
        if (rejection.isPresent()) {
            reject(record, rejection.get(), out);
            return;
        }
        eventsValid.inc();
        out.collect(IngestedMetric.of(event));
    }

    @Override
    public TypeInformation<IngestedMetric> getProducedType() {
        return TypeInformation.of(IngestedMetric.class);
    }

    /** Maps a failure from {@link SingleObjectCodec#decode} to a reason and message. */
    static Rejection classifyDecodeFailure(Exception e, int length) {
        if (e instanceof BadHeaderException) {
            return new Rejection(
                    RejectReason.NOT_AVRO,
                    "value of " + length + " bytes is not Avro single-object encoded: " + e.getMessage());
        }
        if (e instanceof MissingSchemaException) {
            return new Rejection(
                    RejectReason.UNKNOWN_SCHEMA,
                    "writer schema is not shipped with the job: " + e.getMessage());
        }
        return new Rejection(
                RejectReason.MALFORMED,
                "Avro body of " + length + " bytes cannot be decoded: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    private void reject(ConsumerRecord<byte[], byte[]> record, Rejection rejection, Collector<IngestedMetric> out) {
        RejectReason reason = rejection.reason();
        Counter counter = deadLetterCounters.get(reason);
        if (counter.getCount() == 0) {
            LOG.warn(
                    "Rejected record from topic {} partition {} offset {}: {} ({}). Further records"
                            + " with this reason are counted in metric {}.{} and logged at DEBUG.",
                    record.topic(), record.partition(), record.offset(), reason, rejection.message(),
                    DEAD_LETTER_GROUP, reason);
        } else {
            LOG.debug(
                    "Rejected record from topic {} partition {} offset {}: {} ({})",
                    record.topic(), record.partition(), record.offset(), reason, rejection.message());
        }
        counter.inc();
        out.collect(IngestedMetric.rejected(toDeadLetter(record, rejection)));
    }

    private DeadLetter toDeadLetter(ConsumerRecord<byte[], byte[]> record, Rejection rejection) {
        boolean hasTimestamp = record.timestampType() != TimestampType.NO_TIMESTAMP_TYPE && record.timestamp() >= 0;
        return DeadLetter.newBuilder()
                .setSourceTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setRecordTimestamp(hasTimestamp ? Instant.ofEpochMilli(record.timestamp()) : null)
                .setRawKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setRawValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setReason(rejection.reason().name())
                .setError(rejection.message())
                .setFailedAt(validator.clock().instant())
                .build();
    }

    private void registerMetrics(MetricGroup group) {
        eventsIn = group.counter(EVENTS_IN);
        eventsValid = group.counter(EVENTS_VALID);
        MetricGroup deadLetters = group.addGroup(DEAD_LETTER_GROUP);
        deadLetterCounters = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            deadLetterCounters.put(reason, deadLetters.counter(reason.name()));
        }
    }

    private void initUnregisteredCounters() {
        eventsIn = new SimpleCounter();
        eventsValid = new SimpleCounter();
        deadLetterCounters = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            deadLetterCounters.put(reason, new SimpleCounter());
        }
    }

    /** Returns how many records were rejected for {@code reason} by this instance. */
    long rejectedCount(RejectReason reason) {
        return deadLetterCounters == null ? 0 : deadLetterCounters.get(reason).getCount();
    }
}
