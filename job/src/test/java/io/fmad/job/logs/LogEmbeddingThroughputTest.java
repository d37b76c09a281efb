package io.fmad.job.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.job.local.LogGenerator;
import io.fmad.job.local.LogGenerator.Service;
import io.fmad.models.text.MiniLmModel;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Logs single-thread throughput of log lines through template normalization and MiniLM embedding,
 * with the embedding cache and without it, in one run, and their ratio. It asserts nothing about
 * speed and runs only on request:
 * {@code mvn -pl job -am test -Dtest=LogEmbeddingThroughputTest -Dsurefire.failIfNoSpecifiedTests=false -Dfmad.benchmark=true}.
 *
 * <p>The lines come from {@link LogGenerator}: 22 message kinds of three services with random
 * ids, numbers and addresses, so a few dozen templates repeat. Each measurement runs for {@value
 * #MEASURE_NANOS} ns after {@value #WARMUP_NANOS} ns of warm-up on the same lines, which also
 * fills the cache, so the cached figure is the steady state.
 */
@EnabledIfSystemProperty(named = "fmad.benchmark", matches = "true")
class LogEmbeddingThroughputTest {

    private static final Logger LOG = LoggerFactory.getLogger(LogEmbeddingThroughputTest.class);

    private static final long WARMUP_NANOS = 3_000_000_000L;
    private static final long MEASURE_NANOS = 10_000_000_000L;
    private static final int LINES = 20_000;

    @Test
    void normalizeAndEmbed_throughputWithAndWithoutCache() {
        List<String> messages = messages();

        double normalizeOnly = linesPerSecond(messages, null);
        double uncached;
        double cached;
        long templates;
        try (TemplateEmbedder embedder = MiniLmTemplateEmbedder.factory(MiniLmModel.DEFAULT_MAX_TOKENS).create()) {
            uncached = linesPerSecond(messages, new TemplateEmbeddingCache(embedder, 0, new UnregisteredMetricsGroup()));
            TemplateEmbeddingCache cache = new TemplateEmbeddingCache(embedder, 10_000, new UnregisteredMetricsGroup());
            cached = linesPerSecond(messages, cache);
            templates = cache.size();
        }

        assertThat(uncached).isPositive();
        assertThat(cached).isPositive();
        LOG.info("Normalization only:            {} lines/s", Math.round(normalizeOnly));
        LOG.info("Normalization + MiniLM, no cache: {} lines/s", Math.round(uncached));
        LOG.info("Normalization + MiniLM, cache:    {} lines/s ({} distinct templates cached)", Math.round(cached), templates);
        LOG.info("Cache speed-up: {}x", Math.round(cached / uncached));
    }

    private static List<String> messages() {
        LogGenerator generator = new LogGenerator(3);
        Service[] services = Service.values();
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            messages.add(generator.message(services[i % services.length]));
        }
        return messages;
    }

    /** Returns the lines per second normalized, and embedded unless {@code cache} is null, after a warm-up. */
    private static double linesPerSecond(List<String> messages, TemplateEmbeddingCache cache) {
        run(messages, cache, WARMUP_NANOS);
        long start = System.nanoTime();
        long lines = run(messages, cache, MEASURE_NANOS);
        return lines * 1e9 / (System.nanoTime() - start);
    }

    private static long run(List<String> messages, TemplateEmbeddingCache cache, long nanos) {
        long deadline = System.nanoTime() + nanos;
        long lines = 0;
        long checksum = 0;
        while (System.nanoTime() < deadline) {
            String template = LogTemplateNormalizer.normalize(messages.get((int) (lines % messages.size())));
            checksum += cache == null ? template.length() : Float.floatToIntBits(cache.embed(template)[0]);
            lines++;
        }
        // Uses the checksum, so the JIT cannot drop the work.
        assertThat(checksum).isNotEqualTo(Long.MIN_VALUE);
        return lines;
    }
}
