package io.fmad.connectors.serde;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one generated Avro record class in Avro single-object encoding: the
 * two-byte marker {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer
 * schema, then the Avro binary body.
 *
 * <p>Writer schemas are resolved by fingerprint from the class's current schema and the
 * versions shipped under {@value ShippedSchemas#HISTORY_DIRECTORY} (see {@link ShippedSchemas}),
 * and the body is resolved into the current schema with Avro's schema resolution rules. So a
 * record written with a newer schema that only adds defaulted fields decodes into the current
 * class.
 *
 * <p>Instances are serializable for use inside Flink functions. The Avro encoder and decoder are
 * created lazily and are not thread-safe, so use one codec per thread (Flink gives each parallel
 * instance its own copy).
 *
 * @param <T> the generated record class
 */
public final class SingleObjectCodec<T extends SpecificRecord> implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Length of the single-object header: the marker {@code C3 01} and the 8-byte fingerprint. */
    private static final int HEADER_LENGTH = 10;

    private final Class<T> recordClass;

    private transient BinaryMessageEncoder<T> encoder;
    private transient BinaryMessageDecoder<T> decoder;
    private transient SchemaStore.Cache writerSchemas;

    private SingleObjectCodec(Class<T> recordClass) {
        this.recordClass = Objects.requireNonNull(recordClass, "recordClass must not be null");
    }

    /** Creates a codec for a generated record class such as {@code MetricEvent.class}. */
    public static <T extends SpecificRecord> SingleObjectCodec<T> forClass(Class<T> recordClass) {
        return new SingleObjectCodec<>(recordClass);
    }

    /** Returns the record class this codec encodes and decodes. */
    public Class<T> recordClass() {
        return recordClass;
    }

    /** Returns the current (reader and writer) schema of the record class. */
    public Schema schema() {
        return SpecificData.getForClass(recordClass).getSchema(recordClass);
    }

    /**
     * Encodes a record with the class's current schema.
     *
     * @throws org.apache.avro.AvroRuntimeException if a required field is null or has the wrong
     *     type
     */
    public byte[] encode(T record) {
        Objects.requireNonNull(record, "record must not be null");
        try {
            ByteBuffer buffer = encoder().encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            // BinaryMessageEncoder writes to memory only, so an IOException is a bug in Avro.
            throw new IllegalStateException("Failed to encode " + recordClass.getName(), e);
        }
    }

    /**
     * Decodes single-object encoded bytes into the current record class.
     *
     * <p>Failures are surfaced unchanged so that callers can classify them:
     *
     * <ul>
     *   <li>{@link org.apache.avro.message.BadHeaderException}: fewer than 10 bytes, or no {@code
     *       C3 01} marker, so the bytes are not single-object encoded Avro;
     *   <li>{@link org.apache.avro.message.MissingSchemaException}: the fingerprint belongs to no
     *       shipped schema;
     *   <li>{@link java.io.EOFException} (an {@link IOException}): the body is truncated, or a
     *       length or item count in it exceeds the bytes that follow (checked before Avro
     *       allocates, see {@link EncodedLengths});
     *   <li>{@link org.apache.avro.AvroRuntimeException} or another {@link RuntimeException}: the
     *       body is malformed, for example a negative length.
     * </ul>
     */
    public T decode(byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes must not be null");
        BinaryMessageDecoder<T> decoder = decoder();
        Schema writer = writerSchema(bytes);
        if (writer != null) {
            EncodedLengths.check(writer, bytes, HEADER_LENGTH);
        }
        return decoder.decode(bytes);
    }

    /**
     * Returns the shipped writer schema named by the header, or null when the header is invalid or
     * the fingerprint unknown, which the decoder then reports.
     */
    private Schema writerSchema(byte[] bytes) {
        if (bytes.length < HEADER_LENGTH || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            return null;
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return writerSchemas.findByFingerprint(fingerprint);
    }

    private BinaryMessageEncoder<T> encoder() {
        if (encoder == null) {
            encoder = new BinaryMessageEncoder<>(SpecificData.getForClass(recordClass), schema());
        }
        return encoder;
    }

    private BinaryMessageDecoder<T> decoder() {
        if (decoder == null) {
            Schema current = schema();
            writerSchemas = ShippedSchemas.storeFor(current, classLoader());
            decoder = new BinaryMessageDecoder<>(SpecificData.getForClass(recordClass), current, writerSchemas);
        }
        return decoder;
    }

    private ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : recordClass.getClassLoader();
    }
}
