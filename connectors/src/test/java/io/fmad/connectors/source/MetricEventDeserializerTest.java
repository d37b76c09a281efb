package io.fmad.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fmad.avro.DeadLetter;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.serde.ShippedSchemas;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.testing.TestRecords;

class MetricEventDeserializerTest {

    private static final String TOPIC = "metrics";
    private static final int PARTITION = 3;
    private static final long OFFSET = 1234;
    private static final long RECORD_TIMESTAMP = 1_700_000_000_000L;
    private static final byte[] KEY = "host-1".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = TestRecords.T0;

    private static final SingleObjectCodec<MetricEvent> CODEC = SingleObjectCodec.forClass(MetricEvent.class);

    private final MetricEventDeserializer deserializer =
            new MetricEventDeserializer(new MetricValidator(Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC)));

    static Stream<Arguments> rejectedRecords() {
        byte[] valid = CODEC.encode(TestRecords.metric("host-1", 0.5));
        byte[] unknownFingerprint = valid.clone();
        unknownFingerprint[9] ^= (byte) 0x55;
        // The key's length prefix, the first body byte, rewritten to claim 1 GiB.
        byte[] hugeLength = java.util.Arrays.copyOf(valid, valid.length + 4);
        System.arraycopy(valid, 11, hugeLength, 15, valid.length - 11);
        System.arraycopy(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}, 0, hugeLength, 10, 5);
        return Stream.of(
                Arguments.of(RejectReason.NULL_VALUE, null, "tombstone"),
                Arguments.of(RejectReason.NULL_VALUE, new byte[0], "empty"),
                Arguments.of(RejectReason.NOT_AVRO, "cpu=0.5".getBytes(StandardCharsets.UTF_8), "not Avro"),
                Arguments.of(RejectReason.UNKNOWN_SCHEMA, unknownFingerprint, "not shipped"),
                Arguments.of(RejectReason.MALFORMED, java.util.Arrays.copyOf(valid, valid.length - 4), "cannot be decoded"),
                Arguments.of(RejectReason.MALFORMED, hugeLength, "exceeds the"),
                Arguments.of(RejectReason.MISSING_KEY, encode(" ", NOW, Map.of("cpu", 1.0)), "blank"),
                Arguments.of(RejectReason.MISSING_KEY, encode("", NOW, Map.of("cpu", 1.0)), "blank"),
                Arguments.of(RejectReason.NO_VALUES, encode("host-1", NOW, Map.of()), "no values"),
                Arguments.of(RejectReason.NON_FINITE_VALUE, encode("host-1", NOW, Map.of("cpu", 1.0, "mem", Double.NaN)), "'mem'"),
                Arguments.of(RejectReason.NON_FINITE_VALUE, encode("host-1", NOW, Map.of("cpu", Double.POSITIVE_INFINITY)), "Infinity"),
                Arguments.of(RejectReason.TIMESTAMP_BEFORE_EPOCH, encode("host-1", Instant.ofEpochMilli(-1), Map.of("cpu", 1.0)), "before the Unix epoch"),
                Arguments.of(RejectReason.TIMESTAMP_IN_FUTURE, encode("host-1", NOW.plus(Duration.ofHours(1)), Map.of("cpu", 1.0)), "ahead of processing time"),
                Arguments.of(RejectReason.TIMESTAMP_BEFORE_EPOCH, encode("host-1", Instant.ofEpochMilli(Long.MIN_VALUE), Map.of("cpu", 1.0)), "before the Unix epoch"),
                Arguments.of(RejectReason.TIMESTAMP_IN_FUTURE, encode("host-1", Instant.ofEpochMilli(Long.MAX_VALUE), Map.of("cpu", 1.0)), "ahead of processing time"),
                Arguments.of(RejectReason.TAGS_TOO_LARGE, CODEC.encode(withOneMegabyteOfTags()), "more than the limit of 65536"),
                Arguments.of(RejectReason.MALFORMED, encodeNullable(null, Map.of("cpu", 1.0)), "cannot be decoded"),
                Arguments.of(RejectReason.MALFORMED, encodeNullable("host-1", mapWithNull("cpu")), "cannot be decoded"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("rejectedRecords")
    void deserialize_deadLettersRejectedRecord(RejectReason reason, byte[] value, String errorFragment) {
        List<IngestedMetric> out = deserialize(record(value));

        assertThat(out).hasSize(1);
        IngestedMetric result = out.get(0);
        assertThat(result.isValid()).isFalse();
        assertThat(result.event).isNull();
        DeadLetter deadLetter = result.deadLetter;
        assertThat(deadLetter.getReason()).isEqualTo(reason.name());
        assertThat(deadLetter.getError()).contains(errorFragment);
        assertThat(deadLetter.getSourceTopic()).isEqualTo(TOPIC);
        assertThat(deadLetter.getPartition()).isEqualTo(PARTITION);
        assertThat(deadLetter.getOffset()).isEqualTo(OFFSET);
        assertThat(deadLetter.getRecordTimestamp()).isEqualTo(Instant.ofEpochMilli(RECORD_TIMESTAMP));
        assertThat(deadLetter.getRawKey()).isEqualTo(ByteBuffer.wrap(KEY));
        assertThat(deadLetter.getRawValue())
                .isEqualTo(value == null ? null : ByteBuffer.wrap(value, 0, Math.min(value.length, DeadLetterReporter.MAX_RAW_BYTES)));
        assertThat(deadLetter.getFailedAt()).isEqualTo(NOW);
        assertThat(deserializer.rejectedCount(reason)).isEqualTo(1);
    }

    @Test
    void rejectedRecords_coverEveryMetricReason() {
        Set<RejectReason> covered = rejectedRecords().map(a -> (RejectReason) a.get()[0]).collect(Collectors.toSet());

        assertThat(covered).isEqualTo(EnumSet.complementOf(EnumSet.of(RejectReason.EMPTY_MESSAGE)));
    }

    @Test
    void deserialize_emitsValidEvent() {
        MetricEvent event = TestRecords.metric("host-1", 0.5);

        List<IngestedMetric> out = deserialize(record(CODEC.encode(event)));

        assertThat(out).containsExactly(IngestedMetric.of(event));
        assertThat(out.get(0).isValid()).isTrue();
    }

    @Test
    void deserialize_readsNewerWriterSchema() throws Exception {
        Schema newer = parseTestSchema("MetricEvent-newer-test.avsc");
        GenericRecord record = new GenericData.Record(newer);
        record.put("key", "host-1");
        record.put("timestamp", NOW.toEpochMilli());
        record.put("values", Map.of("cpu", 0.5));
        record.put("tags", Map.of("host", "h1"));
        record.put("unit", "percent");
        byte[] value = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(record));

        List<IngestedMetric> out = deserialize(record(value));

        assertThat(out).as("a newer writer schema that adds a defaulted field is read").hasSize(1);
        assertThat(out.get(0).isValid()).isTrue();
        assertThat(out.get(0).event.getKey()).isEqualTo("host-1");
        assertThat(out.get(0).event.getValues()).isEqualTo(Map.of("cpu", 0.5));
    }

    @Test
    void deserialize_readsNullableWriterWithoutNulls() throws Exception {
        List<IngestedMetric> out = deserialize(record(encodeNullable("host-1", Map.of("cpu", 0.5))));

        assertThat(out).hasSize(1);
        assertThat(out.get(0).isValid()).isTrue();
    }

    @Test
    void deserialize_acceptsTagsAtLimit() {
        String value = "x".repeat(MetricValidator.MAX_TAGS_CHARS - 4);
        MetricEvent event = MetricEvent.newBuilder(TestRecords.metric("host-1", 0.5)).setTags(Map.of("note", value)).build();

        List<IngestedMetric> out = deserialize(record(CODEC.encode(event)));

        assertThat(out.get(0).isValid()).isTrue();
    }

    @Test
    void deserialize_capsRawValueOfLargeDeadLetter() {
        byte[] value = new byte[1_000_000];
        java.util.Arrays.fill(value, (byte) 'x');

        DeadLetter deadLetter = deserialize(record(value)).get(0).deadLetter;

        assertThat(deadLetter.getReason()).isEqualTo(RejectReason.NOT_AVRO.name());
        assertThat(deadLetter.getRawValue().remaining()).isEqualTo(DeadLetterReporter.MAX_RAW_BYTES);
        assertThat(deadLetter.getRawValue().get(0)).isEqualTo((byte) 'x');
        assertThat(deadLetter.getError()).contains("raw value cut from 1000000 to its first 262144 bytes");
        assertThat(SingleObjectCodec.forClass(DeadLetter.class).encode(deadLetter).length)
                .as("encoded dead letter fits the producer's default max.request.size of 1 MiB")
                .isLessThan(1024 * 1024);
    }

    @Test
    void deserialize_keepsNullKeyAndMissingTimestamp() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(
                TOPIC, PARTITION, OFFSET, ConsumerRecord.NO_TIMESTAMP, TimestampType.NO_TIMESTAMP_TYPE,
                0, 3, null, new byte[] {1, 2, 3}, new RecordHeaders(), Optional.empty());

        DeadLetter deadLetter = deserialize(record).get(0).deadLetter;

        assertThat(deadLetter.getRawKey()).isNull();
        assertThat(deadLetter.getRecordTimestamp()).isNull();
    }

    @Test
    void open_registersCountersPerReason() throws Exception {
        RecordingMetricGroup metrics = new RecordingMetricGroup();
        deserializer.open(new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return metrics;
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
            }
        });

        deserialize(record(CODEC.encode(TestRecords.metric("host-1", 0.5))));
        deserialize(record(null));
        deserialize(record(null));

        assertThat(metrics.counters.get("eventsIn").getCount()).isEqualTo(3);
        assertThat(metrics.counters.get("eventsValid").getCount()).isEqualTo(1);
        assertThat(metrics.counters.get("deadLetters.NULL_VALUE").getCount()).isEqualTo(2);
        assertThat(metrics.counters.keySet())
                .containsAll(EnumSet.allOf(RejectReason.class).stream().map(r -> "deadLetters." + r.name()).toList());
    }

    @Test
    void producedType_isPojo() {
        assertThat(deserializer.getProducedType()).isInstanceOf(PojoTypeInfo.class);
    }

    private List<IngestedMetric> deserialize(ConsumerRecord<byte[], byte[]> record) {
        ListCollector out = new ListCollector();
        deserializer.deserialize(record, out);
        return out.items;
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>(
                TOPIC, PARTITION, OFFSET, RECORD_TIMESTAMP, TimestampType.CREATE_TIME,
                KEY.length, value == null ? -1 : value.length, KEY, value, new RecordHeaders(), Optional.empty());
    }

    /** Builds a metric event with 16 tags of 64 KiB each: 1 MiB of tag values. */
    private static MetricEvent withOneMegabyteOfTags() {
        Map<String, String> tags = new HashMap<>();
        for (int i = 0; i < 16; i++) {
            tags.put("tag-" + i, "v".repeat(65_536));
        }
        return MetricEvent.newBuilder(TestRecords.metric("host-1", 0.5)).setTags(tags).build();
    }

    private static Map<String, Double> mapWithNull(String name) {
        Map<String, Double> values = new HashMap<>();
        values.put(name, null);
        return values;
    }

    /** Encodes with a test writer schema that allows a null key and null values. */
    private static byte[] encodeNullable(String key, Map<String, Double> values) {
        try {
            Schema nullable = parseTestSchema("MetricEvent-nullable-test.avsc");
            GenericRecord record = new GenericData.Record(nullable);
            record.put("key", key);
            record.put("timestamp", NOW.toEpochMilli());
            record.put("values", values);
            record.put("tags", Map.of());
            return toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), nullable).encode(record));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static Schema parseTestSchema(String name) throws java.io.IOException {
        try (var in = MetricEventDeserializerTest.class.getClassLoader()
                .getResourceAsStream(ShippedSchemas.HISTORY_DIRECTORY + name)) {
            return new Schema.Parser().parse(in);
        }
    }

    private static byte[] encode(String key, Instant timestamp, Map<String, Double> values) {
        return CODEC.encode(TestRecords.metric(key, timestamp, values));
    }

    private static final class ListCollector implements Collector<IngestedMetric> {
        final List<IngestedMetric> items = new ArrayList<>();

        @Override
        public void collect(IngestedMetric record) {
            items.add(record);
        }

        @Override
        public void close() {}
    }

    /** Stores counters by dotted name, relative to the root group. */
    private static final class RecordingMetricGroup extends UnregisteredMetricsGroup {
        final Map<String, Counter> counters;
        private final String prefix;

        RecordingMetricGroup() {
            this(new HashMap<>(), "");
        }

        private RecordingMetricGroup(Map<String, Counter> counters, String prefix) {
            this.counters = counters;
            this.prefix = prefix;
        }

        @Override
        public Counter counter(String name) {
            return counter(name, new org.apache.flink.metrics.SimpleCounter());
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            counters.put(prefix + name, counter);
            return counter;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new RecordingMetricGroup(counters, prefix + name + ".");
        }
    }
}
