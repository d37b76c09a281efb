package io.fmad.models;

/**
 * Encodes fixed-length windows of a time series into embeddings and, depending on the model,
 * reconstructions and forecasts.
 *
 * <p>An encoder is not thread-safe: it wraps one DJL {@code Predictor}, so each thread needs its
 * own encoder (see {@link SharedModel#newEncoder()}). Close it to free its native memory.
 */
public interface WindowEncoder extends AutoCloseable {

    /** Descriptor of the model behind this encoder. */
    ModelDescriptor descriptor();

    /**
     * Encodes a batch of windows. An empty batch returns an empty output without running the
     * model.
     *
     * @param windows one row per window, each with exactly {@code descriptor().inputLength()}
     *     finite values, normalized as {@code descriptor().normalization()} requires
     * @return embeddings, and the reconstructions and forecasts that the model declares, in input
     *     order
     * @throws IllegalArgumentException if the batch or a row is null, a row has the wrong length,
     *     or a value is NaN or infinite
     * @throws IllegalStateException if the encoder or its model handle is closed
     * @throws ModelInferenceException if the engine fails or returns unexpected shapes
     */
    EncoderOutput encode(float[][] windows);

    /** Closes the encoder. Closing it again has no effect. */
    @Override
    void close();
}
