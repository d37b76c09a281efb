package io.fmad.job.logs;

import io.fmad.models.text.MiniLmModel;
import io.fmad.models.text.TextEncoder;

import java.util.List;

/**
 * Embeds templates with the pretrained sentence encoder all-MiniLM-L6-v2 (384 values per
 * embedding), run offline by DJL's ONNX Runtime engine from a Maven Central jar.
 *
 * <p>The model is loaded once per class loader ({@link MiniLmModel#shared()}), and each embedder
 * owns one {@link TextEncoder}, so each subtask thread has its own tokenizer and predictor.
 * Templates are encoded one per inference call. The shipped model is quantized per call, so a
 * batch of several texts would make each embedding depend on the others of its batch, and a
 * restarted job could then score the same line differently.
 */
public final class MiniLmTemplateEmbedder implements TemplateEmbedder {

    private final MiniLmModel model;
    private final TextEncoder encoder;

    private MiniLmTemplateEmbedder(MiniLmModel model, int maxTokens) {
        this.model = model;
        this.encoder = model.newEncoder(maxTokens, 1);
    }

    /**
     * Returns a factory of embedders that keep the first {@code maxTokens} tokens of a template,
     * {@code [CLS]} and {@code [SEP]} included.
     *
     * @throws IllegalArgumentException if {@code maxTokens} is outside 2 to {@value
     *     MiniLmModel#MAX_TOKENS_LIMIT}
     */
    public static TemplateEmbedderFactory factory(int maxTokens) {
        if (maxTokens < 2 || maxTokens > MiniLmModel.MAX_TOKENS_LIMIT) {
            throw new IllegalArgumentException(
                    "maxTokens is " + maxTokens + ", expected 2 to " + MiniLmModel.MAX_TOKENS_LIMIT);
        }
        return () -> new MiniLmTemplateEmbedder(MiniLmModel.shared(), maxTokens);
    }

    @Override
    public String modelId() {
        return model.id();
    }

    @Override
    public String modelVersion() {
        return model.version();
    }

    @Override
    public int dimension() {
        return encoder.dimension();
    }

    @Override
    public float[] embed(String template) {
        return encoder.encode(List.of(template))[0];
    }

    @Override
    public void close() {
        encoder.close();
    }
}
