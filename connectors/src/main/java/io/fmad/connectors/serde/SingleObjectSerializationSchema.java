package io.fmad.connectors.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Flink serialization schema that writes a generated Avro record in Avro single-object encoding
 * (see {@link SingleObjectCodec}).
 *
 * @param <T> the generated record class
 */
public final class SingleObjectSerializationSchema<T extends SpecificRecord>
        implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final SingleObjectCodec<T> codec;

    public SingleObjectSerializationSchema(Class<T> recordClass) {
        this.codec = SingleObjectCodec.forClass(recordClass);
    }

    @Override
    public byte[] serialize(T element) {
        return codec.encode(element);
    }
}
