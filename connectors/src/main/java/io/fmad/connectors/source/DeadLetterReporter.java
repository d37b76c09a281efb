package io.fmad.connectors.source;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;

import io.fmad.avro.DeadLetter;

/**
 * Counts the records that one deserializer instance reads, and turns rejected records into
 * {@link DeadLetter}s. Shared by the metric and log deserializers, so both report the same
 * counters and reasons.
 *
 * <p>Counters: {@value #EVENTS_IN}, {@value #EVENTS_VALID}, and one counter per {@link
 * RejectReason} in the group {@value #DEAD_LETTER_GROUP}. The first rejected record of each reason
 * is logged at WARN with its topic, partition and offset; later ones are logged at DEBUG and
 * counted. Not thread-safe, like the deserializer instance that owns it.
 */
final class DeadLetterReporter {

    /** Counter of all records read. */
    static final String EVENTS_IN = "eventsIn";

    /** Counter of records emitted as valid events. */
    static final String EVENTS_VALID = "eventsValid";

    /** Metric group that contains one counter per {@link RejectReason}, named after it. */
    static final String DEAD_LETTER_GROUP = "deadLetters";

    /**
     * Maximum number of bytes of the record key and of the record value copied into a dead letter.
     * A dead letter must fit in one Kafka record of the producer's default {@code
     * max.request.size} (1 MiB), but a source record can be that large itself, and a dead letter
     * that the sink cannot write fails the job. The full record stays at the partition and offset
     * that the dead letter names.
     */
    static final int MAX_RAW_BYTES = 256 * 1024;

    private final Logger log;
    private final Clock clock;
    private final Counter eventsIn;
    private final Counter eventsValid;
    private final Map<RejectReason, Counter> deadLetterCounters;

    private DeadLetterReporter(
            Logger log,
            Clock clock,
            Counter eventsIn,
            Counter eventsValid,
            Map<RejectReason, Counter> deadLetterCounters) {
        this.log = log;
        this.clock = clock;
        this.eventsIn = eventsIn;
        this.eventsValid = eventsValid;
        this.deadLetterCounters = deadLetterCounters;
    }

    /**
     * Registers the counters in {@code group}.
     *
     * @param log the deserializer's logger, so log lines name the deserializer
     * @param clock processing-time clock that stamps {@code DeadLetter.failedAt}
     */
    static DeadLetterReporter registered(MetricGroup group, Logger log, Clock clock) {
        MetricGroup deadLetters = group.addGroup(DEAD_LETTER_GROUP);
        Map<RejectReason, Counter> counters = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            counters.put(reason, deadLetters.counter(reason.name()));
        }
        return new DeadLetterReporter(log, clock, group.counter(EVENTS_IN), group.counter(EVENTS_VALID), counters);
    }

    /** Counts into counters that no metric reporter reads, for a deserializer that was not opened. */
    static DeadLetterReporter unregistered(Logger log, Clock clock) {
        Map<RejectReason, Counter> counters = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            counters.put(reason, new SimpleCounter());
        }
        return new DeadLetterReporter(log, clock, new SimpleCounter(), new SimpleCounter(), counters);
    }

    /** Counts one record read, valid or not. */
    void recordRead() {
        eventsIn.inc();
    }

    /** Counts one record emitted as a valid event. */
    void recordValid() {
        eventsValid.inc();
    }

    /** Counts and logs the rejection, and returns the dead letter that describes it. */
    DeadLetter reject(ConsumerRecord<byte[], byte[]> record, Rejection rejection) {
        RejectReason reason = rejection.reason();
        Counter counter = deadLetterCounters.get(reason);
        if (counter.getCount() == 0) {
            log.warn(
                    "Rejected record from topic {} partition {} offset {}: {} ({}). Further records"
                            + " with this reason are counted in metric {}.{} and logged at DEBUG.",
                    record.topic(), record.partition(), record.offset(), reason, rejection.message(),
                    DEAD_LETTER_GROUP, reason);
        } else {
            log.debug(
                    "Rejected record from topic {} partition {} offset {}: {} ({})",
                    record.topic(), record.partition(), record.offset(), reason, rejection.message());
        }
        counter.inc();
        return toDeadLetter(record, rejection, clock.instant());
    }

    /** Returns how many records were rejected for {@code reason}. */
    long rejectedCount(RejectReason reason) {
        return deadLetterCounters.get(reason).getCount();
    }

    /** Maps a failure from {@code SingleObjectCodec#decode} to a reason and message. */
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

    /** Describes a null or empty record value, for {@link RejectReason#NULL_VALUE}. */
    static Rejection emptyValue(byte[] value) {
        String description = value == null ? "null (a tombstone)" : "empty";
        return new Rejection(RejectReason.NULL_VALUE, "record value is " + description);
    }

    private static DeadLetter toDeadLetter(ConsumerRecord<byte[], byte[]> record, Rejection rejection, Instant now) {
        boolean hasTimestamp = record.timestampType() != TimestampType.NO_TIMESTAMP_TYPE && record.timestamp() >= 0;
        String error = rejection.message()
                + truncationNote("key", record.key())
                + truncationNote("value", record.value());
        return DeadLetter.newBuilder()
                .setSourceTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setRecordTimestamp(hasTimestamp ? Instant.ofEpochMilli(record.timestamp()) : null)
                .setRawKey(capped(record.key()))
                .setRawValue(capped(record.value()))
                .setReason(rejection.reason().name())
                .setError(error)
                .setFailedAt(now)
                .build();
    }

    private static ByteBuffer capped(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        return ByteBuffer.wrap(bytes.length <= MAX_RAW_BYTES ? bytes : Arrays.copyOf(bytes, MAX_RAW_BYTES));
    }

    private static String truncationNote(String part, byte[] bytes) {
        if (bytes == null || bytes.length <= MAX_RAW_BYTES) {
            return "";
        }
        return " (raw " + part + " cut from " + bytes.length + " to its first " + MAX_RAW_BYTES
                + " bytes; the full record stays at the source offset)";
    }
}
