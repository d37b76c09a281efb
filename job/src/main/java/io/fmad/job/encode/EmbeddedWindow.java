package io.fmad.job.encode;

import io.fmad.job.window.SeriesWindow;

/**
 * A {@link SeriesWindow} with the encoder's output for each of its channels. A Flink POJO.
 *
 * <p>{@link #embeddings} holds channel {@code c}'s embedding at {@code c * embeddingDim}.
 * {@link #reconstructionErrors} holds, per channel, the mean squared error between the normalized
 * window and the model's reconstruction of it, or is null when the model has no reconstruction
 * output. {@link #forecasts} contains channel {@code c}'s forecast of the {@link #forecastLength}
 * values after the window at {@code c * forecastLength}, in the same normalized units as the
 * window, or is null when the model has no forecast output.
 */
public class EmbeddedWindow {

    public SeriesWindow window;
    public int embeddingDim;
    public float[] embeddings;
    public float[] reconstructionErrors;
    public int forecastLength;
    public float[] forecasts;
    public String modelId;
    public String modelVersion;

    public EmbeddedWindow() {}

    public String key() {
        return window.key;
    }
}
