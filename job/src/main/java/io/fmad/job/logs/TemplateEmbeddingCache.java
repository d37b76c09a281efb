package io.fmad.job.logs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * A bounded cache of template embeddings in front of a {@link TemplateEmbedder}, for one subtask.
 *
 * <p>Templates repeat across keys and over time, so most lookups are hits, and a hit costs a hash
 * lookup instead of an inference call of several milliseconds. The cache is Caffeine's, which
 * evicts by frequency and recency (W-TinyLFU), so a burst of one-off templates does not push out
 * the common ones. Eviction runs on the calling thread, so the cache starts no threads inside a
 * Flink task. A capacity of 0 turns the cache off.
 *
 * <p>Metrics, in the group {@value #METRIC_GROUP}: counters {@code linesEmbedded} (every lookup),
 * {@code cacheHits} and {@code cacheMisses} (each miss is one inference call), the histogram
 * {@code encodeLatencyUs} of inference calls in microseconds, and the gauge {@code cachedTemplates}.
 *
 * <p>Not thread-safe, like the embedder it wraps.
 */
public final class TemplateEmbeddingCache {

    /** Metric group of the cache's metrics. */
    public static final String METRIC_GROUP = "log-encoder";

    /** Samples kept by the latency histogram, the same as Flink's own latency histograms. */
    private static final int HISTOGRAM_WINDOW = 512;

    private final TemplateEmbedder embedder;
    private final Cache<String, float[]> cache;

    private final Counter linesEmbedded;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Histogram encodeLatencyMicros;

    /**
     * @param maxEntries templates kept, where 0 turns the cache off
     * @param metrics the operator's metric group, to which the cache adds its own group
     * @throws IllegalArgumentException if {@code maxEntries} is negative
     */
    public TemplateEmbeddingCache(TemplateEmbedder embedder, int maxEntries, MetricGroup metrics) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries is " + maxEntries + ", expected 0 or more");
        }
        this.embedder = embedder;
        this.cache = maxEntries == 0
                ? null
                : Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();

        MetricGroup group = metrics.addGroup(METRIC_GROUP);
        linesEmbedded = group.counter("linesEmbedded");
        cacheHits = group.counter("cacheHits");
        cacheMisses = group.counter("cacheMisses");
        encodeLatencyMicros =
                group.histogram("encodeLatencyUs", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        group.gauge("cachedTemplates", this::size);
    }

    /**
     * Returns the embedding of {@code template}, from the cache or from the embedder. The returned
     * array is shared with the cache: callers must not change it.
     */
    public float[] embed(String template) {
        linesEmbedded.inc();
        float[] embedding = cache == null ? null : cache.getIfPresent(template);
        if (embedding != null) {
            cacheHits.inc();
            return embedding;
        }

        cacheMisses.inc();
        long started = System.nanoTime();
        embedding = embedder.embed(template);
        encodeLatencyMicros.update((System.nanoTime() - started) / 1_000);
        if (cache != null) {
            cache.put(template, embedding);
        }
        return embedding;
    }

    /** Returns the number of lookups served from the cache. */
    public long hits() {
        return cacheHits.getCount();
    }

    /** Returns the number of lookups that ran the model. */
    public long misses() {
        return cacheMisses.getCount();
    }

    /** Returns the number of templates in the cache, an estimate while evictions are pending. */
    public long size() {
        return cache == null ? 0 : cache.estimatedSize();
    }
}
