package io.fmad.models;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads window encoders in ONNX format with DJL's ONNX Runtime engine, so users can bring a model
 * exported from PyTorch or another framework. The model's graph takes the descriptor's input
 * name and returns its output names; the translator checks every output's shape on each call.
 */
final class OnnxModelLoader {

    static final String ENGINE_NAME = ModelDescriptor.ONNX_ENGINE;

    /**
     * System property that stops DJL from starting a second engine next to ONNX Runtime for
     * operations ONNX Runtime lacks. The encoder needs none, and the second engine would be
     * TensorFlow with its 1 GB of natives.
     */
    private static final String DISABLE_ALTERNATIVE_ENGINE = "ai.djl.onnx.disable_alternative";

    private OnnxModelLoader() {}

    /**
     * Returns the DJL ONNX Runtime engine, starting it on the first call in the JVM.
     *
     * @throws ModelLoadException if the engine is not on the classpath or fails to start
     */
    static Engine engine() {
        if (System.getProperty(DISABLE_ALTERNATIVE_ENGINE) == null) {
            System.setProperty(DISABLE_ALTERNATIVE_ENGINE, "true");
        }
        try {
            return Engine.getEngine(ENGINE_NAME);
        } catch (IllegalArgumentException | EngineException e) {
            throw new ModelLoadException(
                    "DJL engine " + ENGINE_NAME + " is not available: " + e.getMessage()
                            + ". ONNX models need ai.djl.onnxruntime:onnxruntime-engine and"
                            + " com.microsoft.onnxruntime:onnxruntime on the classpath.",
                    e);
        }
    }

    /**
     * Loads the ONNX file named by the descriptor from a local directory on a device.
     *
     * @param location the location the directory came from, for messages
     * @param directory a local directory with the ONNX file and {@code model.properties}
     * @param descriptor the directory's descriptor, with engine {@value #ENGINE_NAME}
     * @throws ModelLoadException if the file is missing or the engine cannot load it
     */
    static LoadedModel load(ModelLocation location, Path directory, ModelDescriptor descriptor, Device device) {
        Path file = directory.resolve(descriptor.modelFile());
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(
                    "No ONNX file " + descriptor.modelFile() + " found in model directory " + directory
                            + " (model location " + location + "). Set " + ModelDescriptor.MODEL_FILE
                            + " in " + ModelDescriptor.FILE_NAME + " to the file's name.");
        }
        String fileName = file.getFileName().toString();
        String modelName = fileName.endsWith(".onnx") ? fileName.substring(0, fileName.length() - 5) : fileName;

        Criteria<float[][], EncoderOutput> criteria =
                Criteria.builder()
                        .setTypes(float[][].class, EncoderOutput.class)
                        .optEngine(ENGINE_NAME)
                        .optModelPath(directory)
                        .optModelName(modelName)
                        .optDevice(device)
                        .optTranslator(new WindowTranslator(descriptor))
                        .build();
        ZooModel<float[][], EncoderOutput> zooModel;
        try {
            zooModel = criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | EngineException e) {
            throw new ModelLoadException(
                    "Failed to load ONNX model " + location + " from " + file + ": " + e.getMessage(), e);
        }
        return new LoadedModel(location, device, descriptor, directory, zooModel);
    }
}
