package io.fmad.connectors.serde;

import java.io.EOFException;
import java.io.IOException;

import org.apache.avro.Schema;

/**
 * Walks an Avro binary body along its writer schema and checks that every length and item count
 * fits in the bytes that remain, before Avro's decoder allocates anything.
 *
 * <p>Avro 1.12.1's decoder allocates a string's buffer from its length prefix before it reads the
 * bytes, so one corrupt prefix of a 200-byte record makes it allocate up to 2 GiB and fail the
 * task with an {@link OutOfMemoryError}. This walk reads no values and allocates nothing, so such a
 * record fails here with an {@link EOFException} instead.
 */
final class EncodedLengths {

    private final byte[] bytes;
    private int position;

    private EncodedLengths(byte[] bytes, int offset) {
        this.bytes = bytes;
        this.position = offset;
    }

    /**
     * Checks the body that starts at {@code offset} against {@code writer}.
     *
     * @throws EOFException if a length, count or fixed size exceeds the remaining bytes, or a
     *     varint runs past the end
     * @throws IOException if a length is negative or a union or enum index is out of range
     */
    static void check(Schema writer, byte[] bytes, int offset) throws IOException {
        new EncodedLengths(bytes, offset).walk(writer);
    }

    private void walk(Schema schema) throws IOException {
        switch (schema.getType()) {
            case NULL -> { }
            case BOOLEAN -> skip(1);
            case INT, LONG -> readLong();
            case FLOAT -> skip(4);
            case DOUBLE -> skip(8);
            case STRING, BYTES -> skip(readLength("length"));
            case FIXED -> skip(schema.getFixedSize());
            case ENUM -> requireIndex(readLong(), schema.getEnumSymbols().size(), "enum symbol");
            case UNION -> {
                long index = readLong();
                requireIndex(index, schema.getTypes().size(), "union branch");
                walk(schema.getTypes().get((int) index));
            }
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    walk(field.schema());
                }
            }
            case ARRAY -> walkBlocks(null, schema.getElementType());
            case MAP -> walkBlocks(Schema.create(Schema.Type.STRING), schema.getValueType());
            default -> throw new IOException("Unsupported Avro type " + schema.getType());
        }
    }

    /** Walks the blocks of an array ({@code keys} null) or a map. */
    private void walkBlocks(Schema keys, Schema items) throws IOException {
        while (true) {
            long count = readLong();
            if (count == 0) {
                return;
            }
            if (count < 0) {
                // A negative count is followed by the block's size in bytes.
                count = -count;
                readLength("block size");
            }
            // NOTE: assumes every item takes at least one byte, which holds for maps (each key has
            // a length prefix) but rejects valid arrays of more nulls than the body has bytes.
            if (count > remaining()) {
                throw new EOFException(
                        "item count " + count + " exceeds the " + remaining() + " remaining bytes");
            }
            for (long i = 0; i < count; i++) {
                if (keys != null) {
                    walk(keys);
                }
                walk(items);
            }
        }
    }

    private long readLength(String what) throws IOException {
        long length = readLong();
        if (length < 0) {
            throw new IOException("negative " + what + " " + length);
        }
        if (length > remaining()) {
            throw new EOFException(what + " " + length + " exceeds the " + remaining() + " remaining bytes");
        }
        return length;
    }

    private static void requireIndex(long index, int size, String what) throws IOException {
        if (index < 0 || index >= size) {
            throw new IOException(what + " index " + index + " is outside 0 to " + (size - 1));
        }
    }

    /** Reads a zig-zag varint of at most 10 bytes. */
    private long readLong() throws IOException {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (position >= bytes.length) {
                throw new EOFException("varint runs past the end of the body");
            }
            int b = bytes[position++] & 0xFF;
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new IOException("varint is longer than 10 bytes");
    }

    private void skip(long length) throws EOFException {
        if (length > remaining()) {
            throw new EOFException("needs " + length + " bytes, " + remaining() + " remain");
        }
        position += (int) length;
    }

    private int remaining() {
        return bytes.length - position;
    }
}
