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

import io.fmad.avro.LogEvent;
import io.fmad.connectors.serde.SingleObjectCodec;

/**
 * Reads {@link LogEvent}s in Avro single-object encoding from Kafka records and dead-letters
 * every record that cannot be decoded or fails {@link LogValidator}. A record written with
 * another record schema, such as a {@code MetricEvent} on the logs topic, is rejected as {@link
 * RejectReason#UNKNOWN_SCHEMA}.
 *
 * <p>Bad input never fails the job. Rejected records, counters and log lines are the same as
 * those of {@link MetricEventDeserializer}: counters {@value DeadLetterReporter#EVENTS_IN} and
 * {@value DeadLetterReporter#EVENTS_VALID}, and one counter per {@link RejectReason} in the group
 * {@value DeadLetterReporter#DEAD_LETTER_GROUP}, in the metric group of the logs source.
 */
public final class LogEventDeserializer implements KafkaRecordDeserializationSchema<IngestedLog> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(LogEventDeserializer.class);

    private final LogValidator validator;
    private final SingleObjectCodec<LogEvent> codec = SingleObjectCodec.forClass(LogEvent.class);

    private transient DeadLetterReporter reporter;

    public LogEventDeserializer(LogValidator validator) {
        this.validator = Objects.requireNonNull(validator, "validator must not be null");
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        reporter = DeadLetterReporter.registered(context.getMetricGroup(), LOG, validator.clock());
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IngestedLog> out) {
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

        LogEvent event;
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
        out.collect(IngestedLog.of(event));
    }

    @Override
    public TypeInformation<IngestedLog> getProducedType() {
        return TypeInformation.of(IngestedLog.class);
    }

    private void reject(ConsumerRecord<byte[], byte[]> record, Rejection rejection, Collector<IngestedLog> out) {
        out.collect(IngestedLog.rejected(reporter.reject(record, rejection)));
    }

    /** Returns how many records were rejected for {@code reason} by this instance. */
    long rejectedCount(RejectReason reason) {
        return reporter == null ? 0 : reporter.rejectedCount(reason);
    }
}
