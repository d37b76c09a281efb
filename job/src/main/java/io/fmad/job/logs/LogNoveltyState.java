package io.fmad.job.logs;

/**
 * Per-key state of {@link LogNoveltyDetector}: the key's template memory and its recent rate of
 * new templates. A Flink POJO with flat arrays. Per-slot arrays are indexed by memory slot, the
 * first {@link #size} slots are in use, and the arrays grow as templates arrive, up to {@link
 * #capacity} slots.
 */
public class LogNoveltyState {

    /**
     * Version of this layout, written with the state. State of another version is discarded and
     * the key starts over, warm-up included.
     */
    public static final int CURRENT_VERSION = 1;

    public int version = CURRENT_VERSION;
    /** Maximum number of templates in memory: {@code logs.memory-size} when the state was built. */
    public int capacity;
    /** Size of the stored embeddings. */
    public int embeddingDim;

    /** Lines of this key seen so far, warm-up included. */
    public long linesSeen;
    /** Exponentially decayed count of this key's lines (see {@link NoveltyScorer}). */
    public double recentLines;
    /** Exponentially decayed count of this key's lines whose template was not in memory. */
    public double recentNewTemplates;
    /** Event time of the last alert, in epoch milliseconds, or {@link Long#MIN_VALUE} if none. */
    public long lastAlertTime = Long.MIN_VALUE;

    /** Slots in use. */
    public int size;
    /** 64-bit hash of each template (see {@link TemplateMemory#hash}). */
    public long[] templateHashes;
    /** The template of each slot, cut to {@value TemplateMemory#MAX_STORED_TEMPLATE_CHARS} characters. */
    public String[] templates;
    /** {@link #linesSeen} when each template was last seen, for evicting the least recent one. */
    public long[] lastSeen;
    /**
     * Cosine distance from each template to the nearest template remembered when it arrived; NaN
     * for a template that arrived in an empty memory.
     */
    public float[] arrivalDistances;
    /** Embedding values as 8-bit integers, slot {@code i} at {@code i * embeddingDim}. */
    public byte[] embeddings;
    /** Per slot: the factor that turns the 8-bit values back into the embedding. */
    public float[] scales;

    public LogNoveltyState() {}
}
