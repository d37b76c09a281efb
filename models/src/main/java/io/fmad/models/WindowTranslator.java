package io.fmad.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/**
 * Converts a batch of windows to the model input tensor and the output tensors back to arrays.
 *
 * <p>The batch is already a tensor of shape [batch, inputLength], so the translator has no
 * batchifier: DJL's default stack batchifier would add a second batch dimension, and splitting
 * the outputs fails with "array split does not result in an equal division". Outputs are looked
 * up by signature name, because DJL orders them by name rather than by signature position.
 */
final class WindowTranslator implements NoBatchifyTranslator<float[][], EncoderOutput> {

    private static final String ROWS_ATTACHMENT = "fmad.rows";

    private final ModelDescriptor descriptor;

    WindowTranslator(ModelDescriptor descriptor) {
        this.descriptor = descriptor;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[][] windows) {
        int rows = windows.length;
        int length = descriptor.inputLength();
        float[] flat = new float[rows * length];
        for (int row = 0; row < rows; row++) {
            System.arraycopy(windows[row], 0, flat, row * length, length);
        }
        ctx.setAttachment(ROWS_ATTACHMENT, rows);

        NDArray input = ctx.getNDManager().create(flat, new Shape(rows, length));
        input.setName(descriptor.inputName());
        return new NDList(input);
    }

    @Override
    public EncoderOutput processOutput(TranslatorContext ctx, NDList outputs) {
        int rows = (Integer) ctx.getAttachment(ROWS_ATTACHMENT);
        float[][] embeddings =
                toMatrix(outputs, descriptor.embeddingOutput(), rows, descriptor.embeddingDim());
        float[][] reconstructions = null;
        if (descriptor.hasReconstruction()) {
            reconstructions =
                    toMatrix(
                            outputs,
                            descriptor.reconstructionOutput(),
                            rows,
                            descriptor.inputLength());
        }
        float[][] forecasts = null;
        if (descriptor.hasForecast()) {
            forecasts =
                    toMatrix(
                            outputs,
                            descriptor.forecastOutput(),
                            rows,
                            descriptor.forecastLength());
        }
        return new EncoderOutput(embeddings, reconstructions, forecasts);
    }

    private float[][] toMatrix(NDList outputs, String name, int rows, int columns) {
        NDArray array = outputs.get(name);
        if (array == null) {
            throw new ModelInferenceException(
                    "Model "
                            + descriptor.id()
                            + " version "
                            + descriptor.version()
                            + " returned no output named '"
                            + name
                            + "'");
        }
        Shape expected = new Shape(rows, columns);
        if (array.getDataType() != DataType.FLOAT32 || !array.getShape().equals(expected)) {
            throw new ModelInferenceException(
                    "Model "
                            + descriptor.id()
                            + " version "
                            + descriptor.version()
                            + " returned output '"
                            + name
                            + "' of type "
                            + array.getDataType()
                            + " and shape "
                            + array.getShape()
                            + ", expected float32 "
                            + expected);
        }
        float[] flat = array.toFloatArray();
        float[][] matrix = new float[rows][columns];
        for (int row = 0; row < rows; row++) {
            System.arraycopy(flat, row * columns, matrix[row], 0, columns);
        }
        return matrix;
    }
}
