package io.fmad.job.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

class TemplateEmbeddingCacheTest {

    private final CountingEmbedder embedder = new CountingEmbedder();

    @Test
    void embed_repeatedTemplateIsHit() {
        TemplateEmbeddingCache cache = new TemplateEmbeddingCache(embedder, 10, new UnregisteredMetricsGroup());

        float[] first = cache.embed("user <NUM> logged in");
        float[] second = cache.embed("user <NUM> logged in");

        assertThat(second).isSameAs(first);
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(embedder.calls).isEqualTo(1);
    }

    @Test
    void embed_sizeZeroAlwaysRunsModel() {
        TemplateEmbeddingCache cache = new TemplateEmbeddingCache(embedder, 0, new UnregisteredMetricsGroup());

        cache.embed("a");
        cache.embed("a");

        assertThat(cache.hits()).isZero();
        assertThat(cache.misses()).isEqualTo(2);
        assertThat(embedder.calls).isEqualTo(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void embed_staysWithinMaximumSize() {
        TemplateEmbeddingCache cache = new TemplateEmbeddingCache(embedder, 50, new UnregisteredMetricsGroup());

        for (int i = 0; i < 1_000; i++) {
            cache.embed("template " + i);
        }

        assertThat(cache.size()).isLessThanOrEqualTo(50);
        assertThat(cache.misses()).isEqualTo(1_000);
    }

    @Test
    void constructor_rejectsNegativeSize() {
        assertThatThrownBy(() -> new TemplateEmbeddingCache(embedder, -1, new UnregisteredMetricsGroup()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    /** Counts model runs of the word-hash embedder. */
    private static final class CountingEmbedder implements TemplateEmbedder {
        private final WordHashEmbedder delegate = new WordHashEmbedder();
        int calls;

        @Override
        public String modelId() {
            return delegate.modelId();
        }

        @Override
        public String modelVersion() {
            return delegate.modelVersion();
        }

        @Override
        public int dimension() {
            return delegate.dimension();
        }

        @Override
        public float[] embed(String template) {
            calls++;
            return delegate.embed(template);
        }

        @Override
        public void close() {}
    }
}
