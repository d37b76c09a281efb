package io.fmad.models;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;

import java.util.Arrays;

/**
 * A {@link WindowEncoder} backed by one DJL predictor of a shared model.
 *
 * <p>Every inference call gets a multiple of {@link #ROW_BLOCK} rows: the batch is padded with
 * copies of its last window, and the outputs of the padding are dropped. Without padding, a row's
 * output depends on its place in the batch. With fmad-ts-fm version 3 and TensorFlow 2.16.1 on an
 * x86-64 CPU, rows in full blocks of 8 gave one result. The rows left over and a batch of one gave
 * others, which differ in the last bits. Padding puts every row in a full block, so a window's
 * output no longer depends on which other windows share its batch. A job that replays windows
 * after a failure, in other batches, then scores them bit for bit the same.
 */
final class PredictorWindowEncoder implements WindowEncoder {

    /**
     * Rows per block that the batch is padded to. It is a multiple of the 8 rows measured, so a
     * kernel with 16-row blocks (wider vector instructions) also gets only full blocks.
     */
    static final int ROW_BLOCK = 16;

    private final SharedModel owner;
    private final ModelDescriptor descriptor;
    private final Predictor<float[][], EncoderOutput> predictor;
    // Volatile because SharedModel.close() may close the encoder from another thread.
    private volatile boolean closed;

    PredictorWindowEncoder(
            SharedModel owner,
            ModelDescriptor descriptor,
            Predictor<float[][], EncoderOutput> predictor) {
        this.owner = owner;
        this.descriptor = descriptor;
        this.predictor = predictor;
    }

    @Override
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public EncoderOutput encode(float[][] windows) {
        if (closed) {
            throw new IllegalStateException(
                    "Encoder for model "
                            + descriptor.id()
                            + " version "
                            + descriptor.version()
                            + " is closed");
        }
        validate(windows);
        if (windows.length == 0) {
            return new EncoderOutput(
                    new float[0][],
                    descriptor.hasReconstruction() ? new float[0][] : null,
                    descriptor.hasForecast() ? new float[0][] : null);
        }
        try {
            return unpad(predictor.predict(pad(windows)), windows.length);
        } catch (TranslateException e) {
            throw new ModelInferenceException(
                    "Inference failed for model "
                            + descriptor.id()
                            + " version "
                            + descriptor.version()
                            + " on a batch of "
                            + windows.length
                            + " windows: "
                            + e.getMessage(),
                    e);
        }
    }

    /** Returns {@code windows} with copies of its last window up to a multiple of {@link #ROW_BLOCK} rows. */
    static float[][] pad(float[][] windows) {
        int padded = (windows.length + ROW_BLOCK - 1) / ROW_BLOCK * ROW_BLOCK;
        if (padded == windows.length) {
            return windows;
        }
        float[][] rows = Arrays.copyOf(windows, padded);
        Arrays.fill(rows, windows.length, padded, windows[windows.length - 1]);
        return rows;
    }

    /** Returns the outputs of the first {@code rows} rows of {@code output}. */
    static EncoderOutput unpad(EncoderOutput output, int rows) {
        if (output.embeddings().length == rows) {
            return output;
        }
        return new EncoderOutput(
                Arrays.copyOf(output.embeddings(), rows),
                output.hasReconstructions() ? Arrays.copyOf(output.reconstructions(), rows) : null,
                output.hasForecasts() ? Arrays.copyOf(output.forecasts(), rows) : null);
    }

    private void validate(float[][] windows) {
        if (windows == null) {
            throw new IllegalArgumentException("Windows must not be null");
        }
        int expectedLength = descriptor.inputLength();
        for (int row = 0; row < windows.length; row++) {
            float[] window = windows[row];
            if (window == null) {
                throw new IllegalArgumentException("Window " + row + " of the batch is null");
            }
            if (window.length != expectedLength) {
                throw new IllegalArgumentException(
                        "Window "
                                + row
                                + " of the batch has "
                                + window.length
                                + " values, but model "
                                + descriptor.id()
                                + " version "
                                + descriptor.version()
                                + " expects "
                                + ModelDescriptor.INPUT_LENGTH
                                + "="
                                + expectedLength);
            }
            for (int column = 0; column < expectedLength; column++) {
                if (!Float.isFinite(window[column])) {
                    throw new IllegalArgumentException(
                            "Window "
                                    + row
                                    + " of the batch has the non-finite value "
                                    + window[column]
                                    + " at index "
                                    + column
                                    + "; the model accepts only finite values");
                }
            }
        }
    }

    /** Closes the predictor without notifying the owner; the owner calls this when it closes. */
    void closePredictor() {
        if (!closed) {
            closed = true;
            predictor.close();
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closePredictor();
            owner.encoderClosed(this);
        }
    }
}
