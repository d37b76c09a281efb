package io.fmad.job.logs;

import java.io.Serializable;

/** Creates the {@link TemplateEmbedder} of each subtask. It ships with the job graph, so it is serializable. */
@FunctionalInterface
public interface TemplateEmbedderFactory extends Serializable {

    /**
     * Creates an embedder for the calling thread.
     *
     * @throws io.fmad.models.ModelLoadException if the model cannot be loaded
     */
    TemplateEmbedder create();
}
