package io.fmad.connectors.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.testing.TestRecords;

class SingleObjectCodecTest {

    static Stream<SpecificRecord> records() {
        return Stream.of(
                TestRecords.metric("host-1", 0.5),
                TestRecords.log(),
                TestRecords.alert("host-1", 3),
                TestRecords.alertWithSimilarWindows("host-1", 3),
                TestRecords.deadLetter());
    }

    @ParameterizedTest
    @MethodSource("records")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void codec_roundTripsEachRecordType(SpecificRecord record) throws IOException {
        SingleObjectCodec codec = SingleObjectCodec.forClass(record.getClass());

        byte[] bytes = codec.encode(record);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(record.getSchema()));
        assertThat(codec.decode(bytes)).isEqualTo(record);
    }

    @Test
    void codec_survivesJavaSerialization() throws Exception {
        SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);
        MetricEvent event = TestRecords.metric("host-1", 0.5);
        codec.encode(event); // creates the transient encoder before the copy

        SingleObjectCodec<MetricEvent> copy = InstantiationUtil.clone(codec);

        assertThat(copy.decode(codec.encode(event))).isEqualTo(event);
    }

    @Test
    void decode_readsNewerWriterSchemaIntoCurrentReader() throws IOException {
        Schema newer = parseTestSchema("MetricEvent-newer-test.avsc");
        GenericRecord written = new GenericData.Record(newer);
        written.put("key", "host-1");
        written.put("timestamp", TestRecords.T0.toEpochMilli());
        written.put("values", Map.of("cpu", 0.75));
        written.put("tags", Map.of("region", "eu"));
        written.put("unit", "percent");
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(written).array();

        MetricEvent read = SingleObjectCodec.forClass(MetricEvent.class).decode(bytes);

        assertThat(SchemaNormalization.parsingFingerprint64(newer))
                .isNotEqualTo(SchemaNormalization.parsingFingerprint64(MetricEvent.getClassSchema()));
        assertThat(read.getKey()).isEqualTo("host-1");
        assertThat(read.getTimestamp()).isEqualTo(TestRecords.T0);
        assertThat(read.getValues()).containsExactly(Map.entry("cpu", 0.75));
        assertThat(read.getTags()).containsExactly(Map.entry("region", "eu"));
    }

    @Test
    void decode_readsAlertWithoutReferences() throws IOException {
        // The first AnomalyAlert schema lacks Explanation.references, which is appended last, so the
        // older schema writes the same record without it.
        Schema first = parseTestSchema("AnomalyAlert-1.avsc");
        AnomalyAlert alert = TestRecords.alert("host-1", 3);
        byte[] bytes =
                new BinaryMessageEncoder<AnomalyAlert>(SpecificData.getForClass(AnomalyAlert.class), first)
                        .encode(alert)
                        .array();

        AnomalyAlert read = SingleObjectCodec.forClass(AnomalyAlert.class).decode(bytes);

        assertThat(SchemaNormalization.parsingFingerprint64(first))
                .isNotEqualTo(SchemaNormalization.parsingFingerprint64(AnomalyAlert.getClassSchema()));
        assertThat(read.getExplanation().getReferences()).isEmpty();
        assertThat(read).isEqualTo(alert);
    }

    @Test
    void decode_readsAlertWithoutSimilarWindows() throws IOException {
        // The second AnomalyAlert schema lacks the ValueStatistics time fields, similarWindows and
        // Explanation.builtInSummary, all appended last to their records, so the older schema
        // writes the same record without them.
        Schema second = parseTestSchema("AnomalyAlert-2.avsc");
        AnomalyAlert alert = TestRecords.alert("host-1", 3);
        byte[] bytes =
                new BinaryMessageEncoder<AnomalyAlert>(SpecificData.getForClass(AnomalyAlert.class), second)
                        .encode(alert)
                        .array();

        AnomalyAlert read = SingleObjectCodec.forClass(AnomalyAlert.class).decode(bytes);

        assertThat(SchemaNormalization.parsingFingerprint64(second))
                .isNotEqualTo(SchemaNormalization.parsingFingerprint64(AnomalyAlert.getClassSchema()));
        assertThat(read.getSimilarWindows()).isEmpty();
        assertThat(read.getExplanation().getBuiltInSummary()).isNull();
        assertThat(read.getStatistics().get("cpu").getMaxTime()).isNull();
        assertThat(read.getStatistics().get("cpu").getDepartureStart()).isNull();
        assertThat(read).isEqualTo(alert);
    }

    @Test
    void decode_readsAlertWithoutIncidentFields() throws IOException {
        Schema third = parseTestSchema("AnomalyAlert-3.avsc");
        AnomalyAlert alert = TestRecords.alert("host-1", 5);
        byte[] bytes =
                new BinaryMessageEncoder<AnomalyAlert>(SpecificData.getForClass(AnomalyAlert.class), third)
                        .encode(alert)
                        .array();

        AnomalyAlert read = SingleObjectCodec.forClass(AnomalyAlert.class).decode(bytes);

        assertThat(read.getStatus()).isEqualTo(AlertStatus.OPEN);
        assertThat(read.getIncidentId()).isNull();
        assertThat(read.getSequence()).isZero();
        assertThat(read).isEqualTo(alert);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AnomalyAlert-1.avsc", "AnomalyAlert-2.avsc", "AnomalyAlert-3.avsc"})
    void alertSchema_compatibleBothWaysWithHistory(String name) throws IOException {
        Schema older = parseTestSchema(name);
        Schema current = AnomalyAlert.getClassSchema();

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, older).getType())
                .as("the current schema reads records that %s wrote", name)
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(older, current).getType())
                .as("%s reads records that the current schema wrote", name)
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void shippedSchemas_loadsEveryIndexOnTheClasspath() {
        assertThat(ShippedSchemas.loadHistory(getClass().getClassLoader()))
                .extracting(Schema::getFullName)
                .contains("io.fmad.avro.MetricEvent");
    }

    @Test
    void decode_rejectsBytesWithoutMarker() {
        byte[] json = "{\"key\":\"host-1\",\"value\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThatThrownBy(() -> SingleObjectCodec.forClass(MetricEvent.class).decode(json))
                .isInstanceOf(BadHeaderException.class);
    }

    @Test
    void decode_rejectsBytesShorterThanHeader() {
        byte[] shortBytes = {(byte) 0xC3, 0x01, 0x00};

        assertThatThrownBy(() -> SingleObjectCodec.forClass(MetricEvent.class).decode(shortBytes))
                .isInstanceOf(BadHeaderException.class);
    }

    @Test
    void decode_rejectsUnknownFingerprint() {
        SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);
        byte[] bytes = codec.encode(TestRecords.metric("host-1", 0.5));
        bytes[2] ^= (byte) 0xFF; // corrupt the first fingerprint byte

        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(MissingSchemaException.class);
    }

    @Test
    void decode_rejectsTruncatedBody() {
        SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);
        byte[] bytes = codec.encode(TestRecords.metric("host-1", 0.5));
        byte[] truncated = Arrays.copyOf(bytes, 14);

        assertThatThrownBy(() -> codec.decode(truncated))
                .isInstanceOfAny(EOFException.class, AvroRuntimeException.class);
    }

    @Test
    void decode_rejectsForeignRecordOfKnownFormat() {
        // A DeadLetter is valid single-object Avro, but its schema is not a MetricEvent schema.
        byte[] deadLetter = SingleObjectCodec.forClass(io.fmad.avro.DeadLetter.class).encode(TestRecords.deadLetter());

        assertThatThrownBy(() -> SingleObjectCodec.forClass(MetricEvent.class).decode(deadLetter))
                .isInstanceOf(MissingSchemaException.class);
    }

    private static Schema parseTestSchema(String name) throws IOException {
        try (InputStream in = SingleObjectCodecTest.class.getResourceAsStream("/" + ShippedSchemas.HISTORY_DIRECTORY + name)) {
            return new Schema.Parser().parse(in);
        }
    }
}
