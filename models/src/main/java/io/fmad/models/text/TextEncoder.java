package io.fmad.models.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import io.fmad.models.ModelInferenceException;

import java.util.List;

/**
 * Encodes texts, such as log lines, into L2-normalized sentence embeddings of {@link
 * MiniLmModel#DIMENSION} values.
 *
 * <p>Each text is tokenized, truncated to the encoder's maximum token count and padded to the
 * longest text of its batch. Texts are run in batches of at most the encoder's batch size. With a
 * batch size above 1, an embedding depends slightly on the other texts of its batch, because the
 * model is quantized per batch (see {@link MiniLmModel#newEncoder(int, int)}).
 *
 * <p>Not thread-safe: it owns one tokenizer and one DJL predictor, so use one encoder per thread
 * and close it when done. Closing an encoder leaves the shared model open.
 */
public final class TextEncoder implements AutoCloseable {

    private final MiniLmModel model;
    private final HuggingFaceTokenizer tokenizer;
    private final Predictor<TokenBatch, float[][]> predictor;
    private final int maxTokens;
    private final int batchSize;
    private boolean closed;

    TextEncoder(
            MiniLmModel model,
            HuggingFaceTokenizer tokenizer,
            Predictor<TokenBatch, float[][]> predictor,
            int maxTokens,
            int batchSize) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.predictor = predictor;
        this.maxTokens = maxTokens;
        this.batchSize = batchSize;
    }

    /**
     * Encodes texts into sentence embeddings.
     *
     * <p>An empty string encodes as the tokenizer's empty input, {@code [CLS] [SEP]}.
     *
     * @param texts the texts, none of them null; an empty list returns an empty array
     * @return one unit-norm embedding of {@link #dimension()} values per text, in input order
     * @throws IllegalArgumentException if the list or one of its texts is null
     * @throws IllegalStateException if the encoder is closed
     * @throws ModelInferenceException if the engine fails to run a batch
     */
    public float[][] encode(List<String> texts) {
        if (closed) {
            throw new IllegalStateException(
                    "Encoder for model "
                            + model.id()
                            + " version "
                            + model.version()
                            + " is closed");
        }
        validate(texts);

        float[][] embeddings = new float[texts.size()][];
        for (int start = 0; start < texts.size(); start += batchSize) {
            List<String> chunk = texts.subList(start, Math.min(texts.size(), start + batchSize));
            TokenBatch batch = tokenize(chunk);
            float[][] chunkEmbeddings = predict(batch, start);
            System.arraycopy(chunkEmbeddings, 0, embeddings, start, chunkEmbeddings.length);
        }
        return embeddings;
    }

    /** Returns the size of the embeddings, {@value MiniLmModel#DIMENSION}. */
    public int dimension() {
        return MiniLmModel.DIMENSION;
    }

    /** Returns the maximum tokens kept per text, including {@code [CLS]} and {@code [SEP]}. */
    public int maxTokens() {
        return maxTokens;
    }

    /** Returns the maximum texts per inference call. */
    public int batchSize() {
        return batchSize;
    }

    /** Tokenizes texts, truncated to {@link #maxTokens()} and right-padded to the longest one. */
    TokenBatch tokenize(List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        int sequenceLength = 0;
        for (Encoding encoding : encodings) {
            sequenceLength = Math.max(sequenceLength, encoding.getIds().length);
        }

        long[][] inputIds = new long[encodings.length][sequenceLength];
        long[][] attentionMask = new long[encodings.length][sequenceLength];
        long[][] tokenTypeIds = new long[encodings.length][sequenceLength];
        for (int row = 0; row < encodings.length; row++) {
            // The padding id, mask and type id are all 0, the values the new arrays contain.
            Encoding encoding = encodings[row];
            int length = encoding.getIds().length;
            System.arraycopy(encoding.getIds(), 0, inputIds[row], 0, length);
            System.arraycopy(encoding.getAttentionMask(), 0, attentionMask[row], 0, length);
            System.arraycopy(encoding.getTypeIds(), 0, tokenTypeIds[row], 0, length);
        }
        return new TokenBatch(inputIds, attentionMask, tokenTypeIds);
    }

    private float[][] predict(TokenBatch batch, int firstIndex) {
        try {
            return predictor.predict(batch);
        } catch (TranslateException | RuntimeException e) {
            throw new ModelInferenceException(
                    "Inference failed for model "
                            + model.id()
                            + " version "
                            + model.version()
                            + " on texts "
                            + firstIndex
                            + " to "
                            + (firstIndex + batch.size() - 1)
                            + " ("
                            + batch.sequenceLength()
                            + " tokens each after padding): "
                            + e.getMessage(),
                    e);
        }
    }

    private static void validate(List<String> texts) {
        if (texts == null) {
            throw new IllegalArgumentException("Texts must not be null");
        }
        for (int index = 0; index < texts.size(); index++) {
            if (texts.get(index) == null) {
                throw new IllegalArgumentException(
                        "Text "
                                + index
                                + " of "
                                + texts.size()
                                + " is null. Pass an empty string instead.");
            }
        }
    }

    /** Closes the tokenizer and the predictor. Calling it again has no effect. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            predictor.close();
        } finally {
            tokenizer.close();
        }
    }
}
