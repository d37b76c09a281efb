package io.fmad.models.text;

/**
 * Token ids of a batch of texts, padded on the right to the longest text of the batch.
 *
 * <p>All three arrays have the shape {@code [batch][sequence length]}. Padding positions have
 * token id 0 ({@code [PAD]}), attention mask 0 and token type 0.
 */
record TokenBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {

    int size() {
        return inputIds.length;
    }

    int sequenceLength() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }
}
