package io.fmad.connectors.serde;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class EncodedLengthsTest {

    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "Sample", "fields": [
              {"name": "name", "type": "string"},
              {"name": "note", "type": ["null", "string"]},
              {"name": "level", "type": {"type": "enum", "name": "Level", "symbols": ["LOW", "HIGH"]}},
              {"name": "values", "type": {"type": "map", "values": "double"}},
              {"name": "items", "type": {"type": "array", "items": "long"}},
              {"name": "id", "type": {"type": "fixed", "name": "Id", "size": 4}},
              {"name": "flag", "type": "boolean"},
              {"name": "ratio", "type": "float"}
            ]}""");

    @Test
    void check_acceptsValidBody() throws IOException {
        byte[] body = encode(sample());

        assertThatCode(() -> EncodedLengths.check(SCHEMA, body, 0)).doesNotThrowAnyException();
    }

    @Test
    void check_rejectsStringLengthBeyondBody() {
        // Zig-zag varint 0x80 0x80 0x80 0x80 0x08 is 2^30: a 1 GiB string in a few bytes.
        byte[] body = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 'a', 'b'};

        assertThatThrownBy(() -> EncodedLengths.check(SCHEMA, body, 0))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("length 1073741824 exceeds the 2 remaining bytes");
    }

    @Test
    void check_rejectsNegativeLength() {
        byte[] body = {0x01};

        assertThatThrownBy(() -> EncodedLengths.check(SCHEMA, body, 0))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("negative length -1");
    }

    @Test
    void check_rejectsUnionIndexOutOfRange() {
        byte[] body = {0x02, 'a', 0x04};

        assertThatThrownBy(() -> EncodedLengths.check(SCHEMA, body, 0))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("union branch index 2 is outside 0 to 1");
    }

    @Test
    void check_rejectsMapCountBeyondBody() {
        // name "a", note null, level LOW, then a map block of 2^30 entries.
        byte[] body = {0x02, 'a', 0x00, 0x00, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 0x00};

        assertThatThrownBy(() -> EncodedLengths.check(SCHEMA, body, 0))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("item count 1073741824");
    }

    @Test
    void check_rejectsTruncatedBody() throws IOException {
        byte[] body = encode(sample());
        byte[] truncated = java.util.Arrays.copyOf(body, body.length - 1);

        assertThatThrownBy(() -> EncodedLengths.check(SCHEMA, truncated, 0)).isInstanceOf(EOFException.class);
    }

    private static GenericRecord sample() {
        GenericRecord record = new GenericData.Record(SCHEMA);
        record.put("name", "host-1");
        record.put("note", "checked");
        record.put("level", new GenericData.EnumSymbol(SCHEMA.getField("level").schema(), "HIGH"));
        record.put("values", Map.of("cpu", 0.5));
        record.put("items", List.of(1L, -2L, 300L));
        record.put("id", new GenericData.Fixed(SCHEMA.getField("id").schema(), new byte[] {1, 2, 3, 4}));
        record.put("flag", true);
        record.put("ratio", 0.25f);
        return record;
    }

    private static byte[] encode(GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(SCHEMA).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
