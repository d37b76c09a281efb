package io.fmad.job.logs;

/**
 * Maps a log template to an embedding of unit length, so that the cosine similarity of two
 * templates is the dot product of their embeddings.
 *
 * <p>Implementations need not be thread-safe: each subtask creates its own through a {@link
 * TemplateEmbedderFactory} and closes it when the subtask closes. The same template must give the
 * same embedding on every call and after a restart, because the detector's alerts depend on it.
 */
public interface TemplateEmbedder extends AutoCloseable {

    /** Id of the model, written into alerts. */
    String modelId();

    /** Version of the model, written into alerts. */
    String modelVersion();

    /** Number of values of each embedding. */
    int dimension();

    /**
     * Embeds one template.
     *
     * @return a new array of {@link #dimension()} values with an L2 norm of 1
     * @throws io.fmad.models.ModelInferenceException if the model fails on this template
     */
    float[] embed(String template);

    /** Releases the model resources of this embedder. The shared model itself stays loaded. */
    @Override
    void close();
}
