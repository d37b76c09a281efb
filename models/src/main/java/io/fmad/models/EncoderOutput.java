package io.fmad.models;

import java.util.Objects;

/**
 * Result of encoding a batch of windows: one embedding per window and, if the model has that
 * output, one reconstruction per window, in input order.
 *
 * <p>The arrays are not copied: the caller owns them and may modify them.
 */
public final class EncoderOutput {

    private final float[][] embeddings;
    private final float[][] reconstructions;

    /**
     * @param embeddings one row of {@code embeddingDim} values per window
     * @param reconstructions one row of {@code inputLength} values per window, or null
     * @throws IllegalArgumentException if the two arrays have different numbers of rows
     */
    public EncoderOutput(float[][] embeddings, float[][] reconstructions) {
        this.embeddings = Objects.requireNonNull(embeddings, "embeddings");
        if (reconstructions != null && reconstructions.length != embeddings.length) {
            throw new IllegalArgumentException(
                    "Got "
                            + embeddings.length
                            + " embeddings but "
                            + reconstructions.length
                            + " reconstructions; expected one of each per window");
        }
        this.reconstructions = reconstructions;
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

    /** Returns the number of encoded windows. */
    public int size() {
        return embeddings.length;
    }
}
