package io.fmad.models;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes small ONNX window encoders for tests, in the protobuf wire format of {@code onnx.proto}
 * (IR version 7, opset 13), because no ONNX export tool is available in a Java build.
 *
 * <p>The model is linear: {@code embedding = window x E} and {@code reconstruction = embedding x
 * D}, with E of shape [length, dim] and D of shape [dim, length], so tests can compute the
 * expected outputs by hand.
 */
final class OnnxTestModels {

    private static final int FLOAT = 1;

    final int length;
    final int dim;
    final float[] encoderWeights;
    final float[] decoderWeights;

    OnnxTestModels(int length, int dim, long seed) {
        this.length = length;
        this.dim = dim;
        Random random = new Random(seed);
        encoderWeights = new float[length * dim];
        decoderWeights = new float[dim * length];
        for (int i = 0; i < encoderWeights.length; i++) {
            encoderWeights[i] = (float) (random.nextGaussian() / Math.sqrt(length));
        }
        for (int i = 0; i < decoderWeights.length; i++) {
            decoderWeights[i] = (float) (random.nextGaussian() / Math.sqrt(dim));
        }
    }

    /** Writes {@code model.onnx} and a matching {@code model.properties} into {@code directory}. */
    void writeTo(Path directory) {
        try {
            Files.createDirectories(directory);
            Files.write(directory.resolve("model.onnx"), modelBytes());
            Files.writeString(
                    directory.resolve(ModelDescriptor.FILE_NAME),
                    String.join(
                            "\n",
                            "id=onnx-test",
                            "version=1",
                            "engine=OnnxRuntime",
                            "input.name=window",
                            "input.length=" + length,
                            "input.kind=metric-window",
                            "output.embedding.name=embedding",
                            "output.embedding.dim=" + dim,
                            "output.reconstruction.name=reconstruction",
                            "output.reconstruction.dim=" + length,
                            "normalization=key-zscore-clip10",
                            ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the embedding the model computes for {@code window}. */
    float[] embedding(float[] window) {
        float[] result = new float[dim];
        for (int j = 0; j < dim; j++) {
            double sum = 0;
            for (int i = 0; i < length; i++) {
                sum += (double) window[i] * encoderWeights[i * dim + j];
            }
            result[j] = (float) sum;
        }
        return result;
    }

    /** Returns the reconstruction the model computes for {@code window}. */
    float[] reconstruction(float[] window) {
        float[] embedding = embedding(window);
        float[] result = new float[length];
        for (int i = 0; i < length; i++) {
            double sum = 0;
            for (int j = 0; j < dim; j++) {
                sum += (double) embedding[j] * decoderWeights[j * length + i];
            }
            result[i] = (float) sum;
        }
        return result;
    }

    private byte[] modelBytes() throws IOException {
        byte[] graph =
                message(out -> {
                    out.writeByteArray(1, node("encode", "MatMul", new String[] {"window", "E"}, "embedding"));
                    out.writeByteArray(1, node("decode", "MatMul", new String[] {"embedding", "D"}, "reconstruction"));
                    out.writeString(2, "linear-window-encoder");
                    out.writeByteArray(5, tensor("E", length, dim, encoderWeights));
                    out.writeByteArray(5, tensor("D", dim, length, decoderWeights));
                    out.writeByteArray(11, valueInfo("window", length));
                    out.writeByteArray(12, valueInfo("embedding", dim));
                    out.writeByteArray(12, valueInfo("reconstruction", length));
                });
        return message(out -> {
            out.writeInt64(1, 7);
            out.writeString(2, "fmad-tests");
            out.writeByteArray(7, graph);
            out.writeByteArray(8, message(opset -> {
                opset.writeString(1, "");
                opset.writeInt64(2, 13);
            }));
        });
    }

    private static byte[] node(String name, String op, String[] inputs, String output) throws IOException {
        return message(out -> {
            for (String input : inputs) {
                out.writeString(1, input);
            }
            out.writeString(2, output);
            out.writeString(3, name);
            out.writeString(4, op);
        });
    }

    private static byte[] tensor(String name, int rows, int columns, float[] values) throws IOException {
        return message(out -> {
            out.writeInt64(1, rows);
            out.writeInt64(1, columns);
            out.writeInt32(2, FLOAT);
            out.writeString(8, name);
            ByteString.Output raw = ByteString.newOutput(values.length * 4);
            CodedOutputStream rawOut = CodedOutputStream.newInstance(raw);
            for (float value : values) {
                rawOut.writeFixed32NoTag(Float.floatToRawIntBits(value));
            }
            rawOut.flush();
            out.writeBytes(9, raw.toByteString());
        });
    }

    /** Encodes the value info of a float tensor of shape [batch, columns], the batch left symbolic. */
    private static byte[] valueInfo(String name, int columns) throws IOException {
        byte[] shape = message(out -> {
            out.writeByteArray(1, message(dimension -> dimension.writeString(2, "batch")));
            out.writeByteArray(1, message(dimension -> dimension.writeInt64(1, columns)));
        });
        byte[] tensorType = message(out -> {
            out.writeInt32(1, FLOAT);
            out.writeByteArray(2, shape);
        });
        byte[] type = message(out -> out.writeByteArray(1, tensorType));
        return message(out -> {
            out.writeString(1, name);
            out.writeByteArray(2, type);
        });
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        writer.write(out);
        out.flush();
        return bytes.toByteArray();
    }
}
