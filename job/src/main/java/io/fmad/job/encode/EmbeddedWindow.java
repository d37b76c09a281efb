package io.fmad.job.encode;

import io.fmad.job.window.SeriesWindow;

/**
 * A {@link SeriesWindow} with the encoder's output for each of its channels. A Flink POJO.
 *
 * <p>{@link #embeddings} holds channel {@code c}'s embedding at {@code c * embeddingDim}.
 * {@link #reconstructionErrors} holds, per channel, the mean squared error between the normalized
 * window and the model's reconstruction of it, or is null when the model has no reconstruction
 * output.
 */
public class EmbeddedWindow {

    public SeriesWindow window;
    public int embeddingDim;
    public float[] embeddings;
    public float[] reconstructionErrors;
    public String modelId;
    public String modelVersion;

    public EmbeddedWindow() {}

    public String key() {
        return window.key;
    }
}
