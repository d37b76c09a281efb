package io.fmad.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fmad.avro.DeadLetter;
import io.fmad.avro.LogEvent;
import io.fmad.avro.LogLevel;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.testing.TestRecords;

class LogEventDeserializerTest {

    private static final String TOPIC = "logs";
    private static final int PARTITION = 1;
    private static final long OFFSET = 42;
    private static final long RECORD_TIMESTAMP = 1_700_000_000_000L;
    private static final byte[] KEY = "svc-a".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = TestRecords.T0;

    private static final SingleObjectCodec<LogEvent> CODEC = SingleObjectCodec.forClass(LogEvent.class);

    private final LogEventDeserializer deserializer =
            new LogEventDeserializer(new LogValidator(Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC)));

    /** Reasons that only metric events can have. */
    private static final Set<RejectReason> METRIC_ONLY = EnumSet.of(RejectReason.NO_VALUES, RejectReason.NON_FINITE_VALUE, RejectReason.TAGS_TOO_LARGE);

    static Stream<Arguments> rejectedRecords() {
        byte[] valid = CODEC.encode(TestRecords.log());
        byte[] metric = SingleObjectCodec.forClass(MetricEvent.class).encode(TestRecords.metric("svc-a", 0.5));
        return Stream.of(
                Arguments.of(RejectReason.NULL_VALUE, null, "tombstone"),
                Arguments.of(RejectReason.NULL_VALUE, new byte[0], "empty"),
                Arguments.of(RejectReason.NOT_AVRO, "ERROR connection refused".getBytes(StandardCharsets.UTF_8), "not Avro"),
                Arguments.of(RejectReason.UNKNOWN_SCHEMA, metric, "not shipped"),
                Arguments.of(RejectReason.MALFORMED, Arrays.copyOf(valid, valid.length - 4), "cannot be decoded"),
                Arguments.of(RejectReason.MISSING_KEY, encode(" ", NOW, "disk full"), "blank"),
                Arguments.of(RejectReason.EMPTY_MESSAGE, encode("svc-a", NOW, ""), "empty or blank"),
                Arguments.of(RejectReason.EMPTY_MESSAGE, encode("svc-a", NOW, " \t\n"), "empty or blank"),
                Arguments.of(RejectReason.TIMESTAMP_BEFORE_EPOCH, encode("svc-a", Instant.ofEpochMilli(-1), "disk full"), "before the Unix epoch"),
                Arguments.of(RejectReason.TIMESTAMP_IN_FUTURE, encode("svc-a", NOW.plus(Duration.ofHours(1)), "disk full"), "ahead of processing time"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("rejectedRecords")
    void deserialize_deadLettersRejectedRecord(RejectReason reason, byte[] value, String errorFragment) {
        List<IngestedLog> out = deserialize(record(value));

        assertThat(out).hasSize(1);
        IngestedLog result = out.get(0);
        assertThat(result.isValid()).isFalse();
        DeadLetter deadLetter = result.deadLetter;
        assertThat(deadLetter.getReason()).isEqualTo(reason.name());
        assertThat(deadLetter.getError()).contains(errorFragment);
        assertThat(deadLetter.getSourceTopic()).isEqualTo(TOPIC);
        assertThat(deadLetter.getPartition()).isEqualTo(PARTITION);
        assertThat(deadLetter.getOffset()).isEqualTo(OFFSET);
        assertThat(deadLetter.getRawKey()).isEqualTo(ByteBuffer.wrap(KEY));
        assertThat(deadLetter.getRawValue()).isEqualTo(value == null ? null : ByteBuffer.wrap(value));
        assertThat(deadLetter.getFailedAt()).isEqualTo(NOW);
        assertThat(deserializer.rejectedCount(reason)).isEqualTo(1);
    }

    @Test
    void rejectedRecords_coverEveryLogReason() {
        Set<RejectReason> covered = rejectedRecords().map(a -> (RejectReason) a.get()[0]).collect(Collectors.toSet());

        assertThat(covered).isEqualTo(EnumSet.complementOf(EnumSet.copyOf(METRIC_ONLY)));
    }

    @Test
    void deserialize_emitsValidEvent() {
        LogEvent event = TestRecords.log();

        List<IngestedLog> out = deserialize(record(CODEC.encode(event)));

        assertThat(out).containsExactly(IngestedLog.of(event));
        assertThat(out.get(0).event.getLevel()).isEqualTo(LogLevel.ERROR);
    }

    @Test
    void producedType_isPojo() {
        assertThat(deserializer.getProducedType()).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void validator_rejectsClockThatIsNotSerializable() {
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return NOW;
            }
        };

        assertThatThrownBy(() -> new LogValidator(Duration.ZERO, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.io.Serializable");
    }

    private List<IngestedLog> deserialize(ConsumerRecord<byte[], byte[]> record) {
        List<IngestedLog> items = new ArrayList<>();
        deserializer.deserialize(record, new Collector<>() {
            @Override
            public void collect(IngestedLog item) {
                items.add(item);
            }

            @Override
            public void close() {}
        });
        return items;
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>(
                TOPIC, PARTITION, OFFSET, RECORD_TIMESTAMP, TimestampType.CREATE_TIME,
                KEY.length, value == null ? -1 : value.length, KEY, value, new RecordHeaders(), Optional.empty());
    }

    private static byte[] encode(String key, Instant timestamp, String message) {
        return CODEC.encode(LogEvent.newBuilder()
                .setKey(key)
                .setTimestamp(timestamp)
                .setLevel(LogLevel.INFO)
                .setMessage(message)
                .setAttributes(Map.of())
                .build());
    }
}
