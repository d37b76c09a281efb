package io.fmad.job.logs;

/**
 * A stand-in for the text model in operator tests: each word of a template adds 1 to one of
 * {@value #DIMENSION} values chosen by the word's hash, and the sum is scaled to unit length.
 * Templates that share words are therefore close, and templates without a common word are
 * orthogonal (cosine distance 1), unless two words collide.
 */
public final class WordHashEmbedder implements TemplateEmbedder {

    static final int DIMENSION = 1024;
    static final String MODEL_ID = "word-hash";
    static final String MODEL_VERSION = "1";

    @Override
    public String modelId() {
        return MODEL_ID;
    }

    @Override
    public String modelVersion() {
        return MODEL_VERSION;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public float[] embed(String template) {
        float[] embedding = new float[DIMENSION];
        for (String word : template.split(" ")) {
            if (!word.isEmpty()) {
                embedding[Math.floorMod(mix(word.hashCode()), DIMENSION)] += 1f;
            }
        }
        double norm = 0;
        for (float value : embedding) {
            norm += value * value;
        }
        if (norm == 0) {
            // A template without words points in a fixed direction, so it stays a unit vector.
            embedding[0] = 1f;
            return embedding;
        }
        for (int d = 0; d < DIMENSION; d++) {
            embedding[d] = (float) (embedding[d] / Math.sqrt(norm));
        }
        return embedding;
    }

    @Override
    public void close() {}

    /** MurmurHash3's 32-bit finalizer, which spreads the similar hash codes of similar words. */
    private static int mix(int hash) {
        hash ^= hash >>> 16;
        hash *= 0x85ebca6b;
        hash ^= hash >>> 13;
        hash *= 0xc2b2ae35;
        return hash ^ (hash >>> 16);
    }
}
