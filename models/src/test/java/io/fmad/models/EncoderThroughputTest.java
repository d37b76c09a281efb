package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Logs single-thread encode throughput of each shipped model at several batch sizes. It asserts
 * nothing about speed and runs only on request:
 * {@code mvn -pl models test -Dtest=EncoderThroughputTest -Dfmad.benchmark=true}.
 */
@EnabledIfSystemProperty(named = "fmad.benchmark", matches = "true")
class EncoderThroughputTest {

    private static final Logger LOG = LoggerFactory.getLogger(EncoderThroughputTest.class);

    private static final long WARMUP_NANOS = 2_000_000_000L;
    private static final long MEASURE_NANOS = 5_000_000_000L;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "io/fmad/models/fmad-ts-ae/1",
                "io/fmad/models/fmad-ts-fm/1",
                "io/fmad/models/fmad-ts-fm/2"
            })
    void encode_throughputByBatchSize(String resourceDirectory, @TempDir Path extractionRoot)
            throws Exception {
        TensorFlowTestEngine.start();
        SharedModelRegistry registry = new SharedModelRegistry(extractionRoot);
        ModelLocation location = ModelLocation.classpath(resourceDirectory);

        try (SharedModel model = registry.acquire(location, DeviceSelection.CPU);
                WindowEncoder encoder = model.newEncoder()) {
            for (int batchSize : new int[] {1, 32, 256}) {
                float[][] windows = TestWindows.sineWindows(batchSize, 64, batchSize);
                run(encoder, windows, WARMUP_NANOS);
                long start = System.nanoTime();
                long encoded = run(encoder, windows, MEASURE_NANOS);
                long millis = (System.nanoTime() - start) / 1_000_000;

                assertThat(encoded).isPositive();
                LOG.info(
                        "Model {}, batch size {}: {} windows/s, {} us per call"
                                + " ({} windows in {} ms)",
                        model.descriptor().id(),
                        batchSize,
                        encoded * 1000 / millis,
                        millis * 1000 * batchSize / encoded,
                        encoded,
                        millis);
            }
        }
    }

    /** Encodes the batch repeatedly for the given time and returns the number of windows. */
    private static long run(WindowEncoder encoder, float[][] windows, long nanos) {
        long deadline = System.nanoTime() + nanos;
        long encoded = 0;
        while (System.nanoTime() < deadline) {
            encoded += encoder.encode(windows).size();
        }
        return encoded;
    }
}
