package io.fmad.models.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/**
 * Feeds a padded token batch to the all-MiniLM-L6-v2 ONNX graph and turns its token embeddings
 * into sentence embeddings.
 *
 * <p>The graph has the inputs {@code input_ids}, {@code attention_mask} and {@code
 * token_type_ids} (int64, {@code [batch, sequence]}) and the output {@code last_hidden_state}
 * (float32, {@code [batch, sequence, 384]}). The sentence embedding is the mean of the token
 * embeddings over the positions where the attention mask is 1, scaled to unit L2 norm. This
 * matches langchain4j's {@code AllMiniLmL6V2QuantizedEmbeddingModel} for the same ONNX file.
 *
 * <p>The translator does its own batching, so {@link #getBatchifier()} returns null.
 */
final class MiniLmTranslator implements NoBatchifyTranslator<TokenBatch, float[][]> {

    static final String OUTPUT_NAME = "last_hidden_state";

    private static final String BATCH_ATTACHMENT = "tokenBatch";
    // Lower bound on the norm, so that a zero vector is not divided by zero.
    private static final double MIN_NORM = 1e-12;

    private final int dimension;

    MiniLmTranslator(int dimension) {
        this.dimension = dimension;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, TokenBatch batch) {
        ctx.setAttachment(BATCH_ATTACHMENT, batch);
        NDManager manager = ctx.getNDManager();

        NDArray inputIds = manager.create(batch.inputIds());
        inputIds.setName("input_ids");
        NDArray attentionMask = manager.create(batch.attentionMask());
        attentionMask.setName("attention_mask");
        NDArray tokenTypeIds = manager.create(batch.tokenTypeIds());
        tokenTypeIds.setName("token_type_ids");
        return new NDList(inputIds, attentionMask, tokenTypeIds);
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList outputs) {
        TokenBatch batch = (TokenBatch) ctx.getAttachment(BATCH_ATTACHMENT);
        NDArray hidden = outputs.get(OUTPUT_NAME);
        if (hidden == null) {
            hidden = outputs.singletonOrThrow();
        }
        Shape expected = new Shape(batch.size(), batch.sequenceLength(), dimension);
        if (!hidden.getShape().equals(expected)) {
            throw new IllegalStateException(
                    "Model output "
                            + OUTPUT_NAME
                            + " has shape "
                            + hidden.getShape()
                            + ", expected "
                            + expected);
        }
        return meanPoolAndNormalize(hidden.toFloatArray(), batch.attentionMask(), dimension);
    }

    /**
     * Averages token embeddings over the unmasked positions and scales each result to unit norm.
     *
     * @param hidden token embeddings in row-major order, {@code [batch][sequence][dimension]}
     * @param attentionMask 1 for real tokens and 0 for padding, {@code [batch][sequence]}
     */
    static float[][] meanPoolAndNormalize(float[] hidden, long[][] attentionMask, int dimension) {
        int batchSize = attentionMask.length;
        float[][] embeddings = new float[batchSize][dimension];
        for (int row = 0; row < batchSize; row++) {
            int sequenceLength = attentionMask[row].length;
            double[] sum = new double[dimension];
            long tokens = 0;
            for (int position = 0; position < sequenceLength; position++) {
                if (attentionMask[row][position] == 0) {
                    continue;
                }
                tokens++;
                int offset = (row * sequenceLength + position) * dimension;
                for (int d = 0; d < dimension; d++) {
                    sum[d] += hidden[offset + d];
                }
            }

            // Every row has at least [CLS] and [SEP], so tokens is never 0 for tokenizer output.
            double squaredNorm = 0;
            for (int d = 0; d < dimension; d++) {
                sum[d] /= Math.max(tokens, 1);
                squaredNorm += sum[d] * sum[d];
            }
            double norm = Math.max(Math.sqrt(squaredNorm), MIN_NORM);
            for (int d = 0; d < dimension; d++) {
                embeddings[row][d] = (float) (sum[d] / norm);
            }
        }
        return embeddings;
    }
}
