package io.fmad.benchmarks;

import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestMapper;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestState;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/**
 * Serializes a {@link ThresholdedRandomCutForest} through the library's own state mapper and Java
 * serialization of the mapped state, as a length-prefixed byte array. The job disables Kryo, so a
 * forest in keyed state needs a serializer of its own.
 */
final class ForestSerializer extends TypeSerializerSingleton<ThresholdedRandomCutForest> {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ThresholdedRandomCutForest createInstance() {
        return null;
    }

    /** Copies through the mapper: the heap state backend copies a forest that a running snapshot still shares. */
    @Override
    public ThresholdedRandomCutForest copy(ThresholdedRandomCutForest from) {
        ThresholdedRandomCutForestMapper mapper = new ThresholdedRandomCutForestMapper();
        return mapper.toModel(mapper.toState(from));
    }

    @Override
    public ThresholdedRandomCutForest copy(ThresholdedRandomCutForest from, ThresholdedRandomCutForest reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ThresholdedRandomCutForest record, DataOutputView target) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new ThresholdedRandomCutForestMapper().toState(record));
        }
        target.writeInt(bytes.size());
        bytes.writeTo(new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                target.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                target.write(b, off, len);
            }
        });
    }

    @Override
    public ThresholdedRandomCutForest deserialize(DataInputView source) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            ThresholdedRandomCutForestState state = (ThresholdedRandomCutForestState) in.readObject();
            return new ThresholdedRandomCutForestMapper().toModel(state);
        } catch (ClassNotFoundException e) {
            throw new IOException("Cannot read a Random Cut Forest state", e);
        }
    }

    @Override
    public ThresholdedRandomCutForest deserialize(ThresholdedRandomCutForest reuse, DataInputView source)
            throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int length = source.readInt();
        target.writeInt(length);
        target.write(source, length);
    }

    @Override
    public TypeSerializerSnapshot<ThresholdedRandomCutForest> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the stateless serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ThresholdedRandomCutForest> {
        public Snapshot() {
            super(ForestSerializer::new);
        }
    }
}
