package io.fmad.connectors.source;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * later ones are logged at DEBUG and counted (see {@link DeadLetterReporter}).
 */
public final class MetricEventDeserializer implements KafkaRecordDeserializationSchema<IngestedMetric> {

    private static final long serialVersionUID = 1L;

    /** Counter of all records read. */
    public static final String EVENTS_IN = DeadLetterReporter.EVENTS_IN;

    /** Counter of records emitted as valid events. */
    public static final String EVENTS_VALID = DeadLetterReporter.EVENTS_VALID;

    /** Metric group that contains one counter per {@link RejectReason}, named after it. */
    public static final String DEAD_LETTER_GROUP = DeadLetterReporter.DEAD_LETTER_GROUP;

    private static final Logger LOG = LoggerFactory.getLogger(MetricEventDeserializer.class);

    private final MetricValidator validator;
    private final SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);

    private transient DeadLetterReporter reporter;

    public MetricEventDeserializer(MetricValidator validator) {
        this.validator = Objects.requireNonNull(validator, "validator must not be null");
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        reporter = DeadLetterReporter.registered(context.getMetricGroup(), LOG, validator.clock());
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IngestedMetric> out) {
        if (reporter == null) {
            // Not opened, as in unit tests, so count into counters that no metric reporter reads.
            reporter = DeadLetterReporter.unregistered(LOG, validator.clock());
        }
        reporter.recordRead();

        byte[] value = record.value();
        if (value == null || value.length == 0) {
            reject(record, DeadLetterReporter.emptyValue(value), out);
            return;
        }

        MetricEvent event;
        try {
            event = codec.decode(value);
        } catch (IOException | RuntimeException e) {
            reject(record, DeadLetterReporter.classifyDecodeFailure(e, value.length), out);
            return;
        }

        Optional<Rejection> rejection = validator.validate(event);
        if (rejection.isPresent()) {
            reject(record, rejection.get(), out);
            return;
        }
        reporter.recordValid();
        out.collect(IngestedMetric.of(event));
    }

    @Override
    public TypeInformation<IngestedMetric> getProducedType() {
        return TypeInformation.of(IngestedMetric.class);
    }

    private void reject(ConsumerRecord<byte[], byte[]> record, Rejection rejection, Collector<IngestedMetric> out) {
        out.collect(IngestedMetric.rejected(reporter.reject(record, rejection)));
    }

    /** Returns how many records were rejected for {@code reason} by this instance. */
    long rejectedCount(RejectReason reason) {
        return reporter == null ? 0 : reporter.rejectedCount(reason);
    }
}
