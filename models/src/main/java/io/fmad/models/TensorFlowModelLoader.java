package io.fmad.models;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SymbolBlock;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.tensorflow.engine.javacpp.JavacppUtils;
import ai.djl.util.PairList;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads SavedModels with DJL's TensorFlow engine and checks their serving signature against the
 * descriptor.
 */
final class TensorFlowModelLoader {

    static final String ENGINE_NAME = "TensorFlow";

    private TensorFlowModelLoader() {}

    /**
     * Returns the DJL TensorFlow engine, starting it on the first call in the JVM.
     *
     * @throws ModelLoadException if the engine is not on the classpath or fails to start
     */
    static Engine engine() {
        try {
            return Engine.getEngine(ENGINE_NAME);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(
                    "DJL engine "
                            + ENGINE_NAME
                            + " not found on the classpath. Add"
                            + " ai.djl.tensorflow:tensorflow-engine, and merge META-INF/services"
                            + " files when shading the job jar.",
                    e);
        } catch (EngineException | IllegalStateException e) {
            throw new ModelLoadException(
                    "Failed to start the DJL "
                            + ENGINE_NAME
                            + " engine: "
                            + e.getMessage()
                            + ". Offline hosts need"
                            + " ai.djl.tensorflow:tensorflow-native-cu121:linux-x86_64 and"
                            + " native/lib/tensorflow.properties on the classpath, and a writable"
                            + " DJL cache directory (ENGINE_CACHE_DIR or DJL_CACHE_DIR).",
                    e);
        }
    }

    /**
     * Loads a SavedModel directory on a device.
     *
     * @param location the location the directory came from, for messages
     * @param directory a local directory with {@code saved_model.pb} and {@code model.properties}
     * @throws ModelLoadException if the model cannot be loaded or does not match its descriptor
     */
    static LoadedModel load(ModelLocation location, Path directory, Device device) {
        ModelDescriptor descriptor = readDescriptor(location, directory);
        if (!ENGINE_NAME.equals(descriptor.engine())) {
            throw new ModelLoadException(
                    "Model "
                            + location
                            + " declares "
                            + ModelDescriptor.ENGINE
                            + "="
                            + descriptor.engine()
                            + ", but only "
                            + ENGINE_NAME
                            + " models are supported");
        }

        checkMetaGraph(location, directory, descriptor);

        Criteria<float[][], EncoderOutput> criteria =
                Criteria.builder()
                        .setTypes(float[][].class, EncoderOutput.class)
                        .optEngine(ENGINE_NAME)
                        .optModelPath(directory)
                        .optDevice(device)
                        .optTranslator(new WindowTranslator(descriptor))
                        .optOption("Tags", String.join(",", tagSet(descriptor)))
                        .optOption("SignatureDefKey", descriptor.signature())
                        .optOption("ConfigProto", sessionConfig(device))
                        .build();

        ZooModel<float[][], EncoderOutput> zooModel;
        try {
            zooModel = criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException e) {
            throw new ModelLoadException(
                    "Failed to load SavedModel "
                            + location
                            + " from "
                            + directory
                            + ": "
                            + e.getMessage(),
                    e);
        }

        try {
            checkSignature(location, descriptor, zooModel);
        } catch (RuntimeException e) {
            zooModel.close();
            throw e;
        }
        return new LoadedModel(location, device, descriptor, directory, zooModel);
    }

    private static ModelDescriptor readDescriptor(ModelLocation location, Path directory) {
        Path file = directory.resolve(ModelDescriptor.FILE_NAME);
        if (!Files.isRegularFile(directory.resolve(ClasspathModelExtractor.SAVED_MODEL_FILE))) {
            throw new ModelLoadException(
                    "No "
                            + ClasspathModelExtractor.SAVED_MODEL_FILE
                            + " found in model directory "
                            + directory
                            + " (model location "
                            + location
                            + ")");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(
                    "No "
                            + ModelDescriptor.FILE_NAME
                            + " found in model directory "
                            + directory
                            + " (model location "
                            + location
                            + "). Every model needs a descriptor next to saved_model.pb.");
        }
        try {
            return ModelDescriptor.read(file);
        } catch (IOException e) {
            throw new ModelLoadException("Failed to read model descriptor " + file, e);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }

    /**
     * Checks that saved_model.pb has a meta graph with the descriptor's tags and signature. DJL
     * 0.36 only logs a warning for an unknown signature and then runs the first one it finds.
     */
    private static void checkMetaGraph(
            ModelLocation location, Path directory, ModelDescriptor descriptor) {
        Path file = directory.resolve(ClasspathModelExtractor.SAVED_MODEL_FILE);
        SavedModel savedModel;
        try (InputStream input = Files.newInputStream(file)) {
            savedModel = SavedModel.parseFrom(input);
        } catch (IOException e) {
            throw new ModelLoadException(
                    "Failed to read "
                            + file
                            + " (model location "
                            + location
                            + "): "
                            + e.getMessage(),
                    e);
        }

        Set<String> tags = tagSet(descriptor);
        List<Set<String>> availableTags = new ArrayList<>();
        for (MetaGraphDef metaGraph : savedModel.getMetaGraphsList()) {
            Set<String> metaGraphTags = new TreeSet<>(metaGraph.getMetaInfoDef().getTagsList());
            availableTags.add(metaGraphTags);
            if (!metaGraphTags.equals(tags)) {
                continue;
            }
            if (!metaGraph.containsSignatureDef(descriptor.signature())) {
                throw new ModelLoadException(
                        "SavedModel "
                                + location
                                + " has no signature '"
                                + descriptor.signature()
                                + "' for tags "
                                + tags
                                + "; it has "
                                + new TreeSet<>(metaGraph.getSignatureDefMap().keySet())
                                + ". Set "
                                + ModelDescriptor.SIGNATURE
                                + " in "
                                + ModelDescriptor.FILE_NAME
                                + ".");
            }
            return;
        }
        throw new ModelLoadException(
                "SavedModel "
                        + location
                        + " has no meta graph with tags "
                        + tags
                        + "; it has "
                        + availableTags
                        + ". Set "
                        + ModelDescriptor.TAGS
                        + " in "
                        + ModelDescriptor.FILE_NAME
                        + ".");
    }

    private static Set<String> tagSet(ModelDescriptor descriptor) {
        Set<String> tags = new TreeSet<>();
        for (String tag : descriptor.tags().split(",")) {
            if (!tag.isBlank()) {
                tags.add(tag.trim());
            }
        }
        return tags;
    }

    /** DJL's system property for TensorFlow's intra-op threads per session; see {@link #sessionConfig}. */
    static final String INTRA_OP_THREADS_PROPERTY = "ai.djl.tensorflow.num_intraop_threads";

    /** DJL's system property for TensorFlow's inter-op threads per session; see {@link #sessionConfig}. */
    static final String INTER_OP_THREADS_PROPERTY = "ai.djl.tensorflow.num_interop_threads";

    /**
     * Returns the base64 session config. TensorFlow prefers the GPU for every operation with a GPU
     * kernel whenever a GPU is visible, whatever device DJL selected, so a CPU model hides the GPUs
     * from its session.
     *
     * <p>On the CPU, a session runs each call in the calling thread with one intra-op thread,
     * unless the JVM sets DJL's {@value #INTRA_OP_THREADS_PROPERTY} or {@value
     * #INTER_OP_THREADS_PROPERTY}. Flink already runs one task thread per slot and core, and each
     * subtask calls the shared model from its own task thread. TensorFlow's default pools of one
     * thread per core on top of that handed every small batch to other threads and spun while they
     * waited: the whole job ran 20 % slower with them (docs/benchmarks.md).
     *
     * <p>NOTE: no GPU host was available to test this, nor the GPU path as a whole.
     */
    static String sessionConfig(Device device) {
        ConfigProto config = JavacppUtils.getSessionConfig();
        if (!device.isGpu()) {
            ConfigProto.Builder builder = config.toBuilder().putDeviceCount("GPU", 0);
            if (System.getProperty(INTRA_OP_THREADS_PROPERTY) == null
                    && System.getProperty(INTER_OP_THREADS_PROPERTY) == null) {
                // A negative inter-op count makes TensorFlow run every operation in the caller's thread.
                builder.setIntraOpParallelismThreads(1).setInterOpParallelismThreads(-1);
            }
            config = builder.build();
        }
        return Base64.getEncoder().encodeToString(config.toByteArray());
    }

    /** Checks the inputs and outputs of the signature that DJL loaded against the descriptor. */
    private static void checkSignature(
            ModelLocation location, ModelDescriptor descriptor, ZooModel<?, ?> zooModel) {
        String signature = descriptor.signature();
        if (!(zooModel.getBlock() instanceof SymbolBlock)) {
            throw new ModelLoadException(
                    "Model "
                            + location
                            + " has no symbol block, so its signature cannot be checked");
        }
        SymbolBlock block = (SymbolBlock) zooModel.getBlock();
        PairList<String, Shape> inputs = block.describeInput();
        PairList<String, Shape> outputs = block.describeOutput();

        if (inputs.size() != 1 || !inputs.contains(descriptor.inputName())) {
            throw signatureMismatch(
                    location,
                    signature,
                    "inputs",
                    inputs,
                    "exactly one input named " + descriptor.inputName());
        }
        checkMatrixShape(
                location,
                signature,
                descriptor.inputName(),
                inputs.get(descriptor.inputName()),
                descriptor.inputLength());

        checkOutput(
                location,
                signature,
                outputs,
                descriptor.embeddingOutput(),
                descriptor.embeddingDim());
        if (descriptor.hasReconstruction()) {
            checkOutput(
                    location,
                    signature,
                    outputs,
                    descriptor.reconstructionOutput(),
                    descriptor.inputLength());
        }
        if (descriptor.hasForecast()) {
            checkOutput(
                    location,
                    signature,
                    outputs,
                    descriptor.forecastOutput(),
                    descriptor.forecastLength());
        }
    }

    private static void checkOutput(
            ModelLocation location,
            String signature,
            PairList<String, Shape> outputs,
            String name,
            int columns) {
        if (!outputs.contains(name)) {
            throw signatureMismatch(
                    location, signature, "outputs", outputs, "an output named " + name);
        }
        checkMatrixShape(location, signature, name, outputs.get(name), columns);
    }

    /** Accepts [batch, columns] where either dimension may be unknown (-1) in the signature. */
    private static void checkMatrixShape(
            ModelLocation location, String signature, String name, Shape shape, int columns) {
        boolean matches =
                shape.dimension() == 2 && (shape.get(1) == columns || shape.get(1) == -1);
        if (!matches) {
            throw new ModelLoadException(
                    "Signature "
                            + signature
                            + " of model "
                            + location
                            + " has tensor '"
                            + name
                            + "' with shape "
                            + shape
                            + ", but "
                            + ModelDescriptor.FILE_NAME
                            + " declares [batch, "
                            + columns
                            + "]");
        }
    }

    private static ModelLoadException signatureMismatch(
            ModelLocation location,
            String signature,
            String what,
            PairList<String, Shape> actual,
            String expected) {
        return new ModelLoadException(
                "Signature "
                        + signature
                        + " of model "
                        + location
                        + " has "
                        + what
                        + " "
                        + actual.keys()
                        + ", but "
                        + ModelDescriptor.FILE_NAME
                        + " declares "
                        + expected);
    }
}
