package io.fmad.models.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Logs single-thread encode throughput of all-MiniLM-L6-v2 at batch sizes 1 and 32, with short
 * log lines made from five templates. It asserts nothing about speed and runs only on request:
 * {@code mvn -pl models test -Dtest=TextEncoderThroughputTest -Dfmad.benchmark=true}.
 */
@EnabledIfSystemProperty(named = "fmad.benchmark", matches = "true")
class TextEncoderThroughputTest {

    private static final Logger LOG = LoggerFactory.getLogger(TextEncoderThroughputTest.class);

    private static final long WARMUP_NANOS = 2_000_000_000L;
    private static final long MEASURE_NANOS = 5_000_000_000L;

    private static final List<String> TEMPLATES =
            List.of(
                    "disk full on /var/lib/kafka, %d bytes left",
                    "user %d logged in successfully from 192.168.1.20",
                    "Connection to db-%d:5432 refused after 3 retries",
                    "GC pause (G1 Evacuation Pause) %dms",
                    "Task %d of job 7f3a switched from RUNNING to FAILED");

    @Test
    void encode_throughputByBatchSize() throws Exception {
        MiniLmModel model = TextTestModel.model();
        for (int batchSize : new int[] {1, 32}) {
            List<String> texts = logLines(batchSize);
            int maxTokens = MiniLmModel.DEFAULT_MAX_TOKENS;
            try (TextEncoder encoder = model.newEncoder(maxTokens, batchSize)) {
                run(encoder, texts, WARMUP_NANOS);
                long start = System.nanoTime();
                long encoded = run(encoder, texts, MEASURE_NANOS);
                long millis = (System.nanoTime() - start) / 1_000_000;

                assertThat(encoded).isPositive();
                LOG.info(
                        "Batch size {}: {} sentences/s, {} us per sentence ({} sentences in {} ms)",
                        batchSize,
                        encoded * 1000 / millis,
                        millis * 1000 / encoded,
                        encoded,
                        millis);
            }
        }
    }

    private static List<String> logLines(int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(String.format(TEMPLATES.get(i % TEMPLATES.size()), 1000 + i));
        }
        return lines;
    }

    /** Encodes the texts repeatedly for the given time and returns the number of texts. */
    private static long run(TextEncoder encoder, List<String> texts, long nanos) {
        long deadline = System.nanoTime() + nanos;
        long encoded = 0;
        while (System.nanoTime() < deadline) {
            encoded += encoder.encode(texts).length;
        }
        return encoded;
    }
}
