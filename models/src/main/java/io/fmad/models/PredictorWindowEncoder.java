package io.fmad.models;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;

/** A {@link WindowEncoder} backed by one DJL predictor of a shared model. */
final class PredictorWindowEncoder implements WindowEncoder {

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
            return predictor.predict(windows);
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
