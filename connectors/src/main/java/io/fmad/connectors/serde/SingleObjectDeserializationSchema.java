package io.fmad.connectors.serde;

import java.io.IOException;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink deserialization schema that reads a generated Avro record from Avro single-object
 * encoding (see {@link SingleObjectCodec}).
 *
 * <p>Undecodable bytes fail with the exception described in {@link SingleObjectCodec#decode}, and
 * a null message fails with an {@link IOException}. Where bad input must not fail the job, use a
 * schema that dead-letters instead, such as {@link
 * io.fmad.connectors.source.MetricEventDeserializer}.
 *
 * @param <T> the generated record class
 */
public final class SingleObjectDeserializationSchema<T extends SpecificRecord>
        implements DeserializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final SingleObjectCodec<T> codec;

    public SingleObjectDeserializationSchema(Class<T> recordClass) {
        this.codec = SingleObjectCodec.forClass(recordClass);
    }

    @Override
    public T deserialize(byte[] message) throws IOException {
        if (message == null) {
            throw new IOException(
                    "Cannot decode a null message as " + codec.recordClass().getName());
        }
        return codec.decode(message);
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
        return false;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        // With flink-avro on the classpath this is an AvroTypeInfo, so Flink uses its Avro serializer.
        return TypeInformation.of(codec.recordClass());
    }
}
