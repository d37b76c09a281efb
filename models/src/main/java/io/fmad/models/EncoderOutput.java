package io.fmad.models;

import java.util.Objects;

/**
 * Result of encoding a batch of windows, in input order: one embedding per window and, if the
 * model has those outputs, one reconstruction and one forecast per window.
 *
 * <p>The arrays are not copied: the caller owns them and may modify them.
 */
public final class EncoderOutput {

    private final float[][] embeddings;
    private final float[][] reconstructions;
    private final float[][] forecasts;

    /**
     * Creates an output without forecasts.
     *
     * @param embeddings one row of {@code embeddingDim} values per window
     * @param reconstructions one row of {@code inputLength} values per window, or null
     * @throws IllegalArgumentException if the two arrays have different numbers of rows
     */
    public EncoderOutput(float[][] embeddings, float[][] reconstructions) {
        this(embeddings, reconstructions, null);
    }

    /**
     * @param embeddings one row of {@code embeddingDim} values per window
     * @param reconstructions one row of {@code inputLength} values per window, or null
     * @param forecasts one row of {@code forecastLength} values per window, or null
     * @throws IllegalArgumentException if a non-null array has a different number of rows than
     *     {@code embeddings}
     */
    public EncoderOutput(float[][] embeddings, float[][] reconstructions, float[][] forecasts) {
        this.embeddings = Objects.requireNonNull(embeddings, "embeddings");
        requireRowPerWindow(reconstructions, "reconstructions");
        requireRowPerWindow(forecasts, "forecasts");
        this.reconstructions = reconstructions;
        this.forecasts = forecasts;
    }

    private void requireRowPerWindow(float[][] rows, String name) {
        if (rows != null && rows.length != embeddings.length) {
            throw new IllegalArgumentException(
                    "Got "
                            + embeddings.length
                            + " embeddings but "
                            + rows.length
                            + " "
                            + name
                            + "; expected one of each per window");
        }
    }

    /** Embeddings, shape [windows][embeddingDim]. */
    public float[][] embeddings() {
        return embeddings;
    }

    /** Reconstructions, shape [windows][inputLength], or null if the model has no such output. */
    public float[][] reconstructions() {
        return reconstructions;
    }

    public boolean hasReconstructions() {
        return reconstructions != null;
    }

    /**
     * Forecasts of the values after each window, shape [windows][forecastLength], on the input's
     * scale, or null if the model has no such output.
     */
    public float[][] forecasts() {
        return forecasts;
    }

    public boolean hasForecasts() {
        return forecasts != null;
    }

    /** Returns the number of encoded windows. */
    public int size() {
        return embeddings.length;
    }
}
