package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs the shipped model through {@link WindowEncoder} with the real TensorFlow engine. */
class WindowEncoderTest {

    private static final int LENGTH = 64;
    // TensorFlow may pick different kernels for different batch sizes and thread splits, so
    // results are compared within rounding error rather than bit for bit.
    private static final float TOLERANCE = 1e-5f;

    @TempDir static Path extractionRoot;

    private static SharedModel model;

    @BeforeAll
    static void loadModel() throws Exception {
        TensorFlowTestEngine.start();
        model =
                new SharedModelRegistry(extractionRoot)
                        .acquire(ModelLocation.defaultModel(), DeviceSelection.CPU);
    }

    @AfterAll
    static void closeModel() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void encode_batchOf32MatchesSingleWindows() {
        float[][] windows = TestWindows.sineWindows(32, LENGTH, 42L);

        try (WindowEncoder encoder = model.newEncoder()) {
            EncoderOutput batch = encoder.encode(windows);

            for (int row = 0; row < windows.length; row++) {
                EncoderOutput single = encoder.encode(new float[][] {windows[row]});
                assertThat(single.embeddings()[0])
                        .as("embedding of window %d", row)
                        .containsExactly(batch.embeddings()[row], within(TOLERANCE));
                assertThat(single.reconstructions()[0])
                        .as("reconstruction of window %d", row)
                        .containsExactly(batch.reconstructions()[row], within(TOLERANCE));
            }
        }
    }

    @Test
    void encode_rowBitIdenticalInAnyBatch() {
        float[][] pool = TestWindows.sineWindows(40, LENGTH, 11L);
        float[] target = pool[0];

        try (WindowEncoder encoder = model.newEncoder()) {
            EncoderOutput alone = encoder.encode(new float[][] {target});
            // Sizes below, at and above the 8-row blocks of TensorFlow's CPU kernels, the target at
            // the first, a middle and the last position.
            for (int size : new int[] {2, 7, 8, 9, 17, 33}) {
                for (int position : new int[] {0, size / 2, size - 1}) {
                    float[][] batch = new float[size][];
                    for (int row = 0; row < size; row++) {
                        batch[row] = pool[1 + (row + size) % (pool.length - 1)];
                    }
                    batch[position] = target;
                    EncoderOutput output = encoder.encode(batch);
                    assertThat(output.embeddings()[position])
                            .as("embedding at row %d of a batch of %d", position, size)
                            .containsExactly(alone.embeddings()[0]);
                    assertThat(output.reconstructions()[position])
                            .as("reconstruction at row %d of a batch of %d", position, size)
                            .containsExactly(alone.reconstructions()[0]);
                }
            }
        }
    }

    @Test
    void encode_sameInputGivesSameOutput() {
        float[][] windows = TestWindows.sineWindows(4, LENGTH, 3L);

        try (WindowEncoder encoder = model.newEncoder()) {
            EncoderOutput first = encoder.encode(windows);
            EncoderOutput second = encoder.encode(windows);

            assertClose(second.embeddings(), first.embeddings(), "embeddings");
            assertClose(second.reconstructions(), first.reconstructions(), "reconstructions");
        }
    }

    @Test
    void encode_threadsMatchSingleThread() throws Exception {
        float[][] windows = TestWindows.sineWindows(16, LENGTH, 11L);
        EncoderOutput expected;
        try (WindowEncoder encoder = model.newEncoder()) {
            expected = encoder.encode(windows);
        }

        int threads = 4;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<EncoderOutput>>> futures = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                futures.add(executor.submit(() -> encodeRepeatedly(windows, 20)));
            }
            for (Future<List<EncoderOutput>> future : futures) {
                for (EncoderOutput output : future.get(60, TimeUnit.SECONDS)) {
                    assertClose(output.embeddings(), expected.embeddings(), "embeddings");
                }
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private static void assertClose(float[][] actual, float[][] expected, String name) {
        assertThat(actual).as(name).hasSameDimensionsAs(expected);
        for (int row = 0; row < expected.length; row++) {
            assertThat(actual[row])
                    .as("%s row %d", name, row)
                    .containsExactly(expected[row], within(TOLERANCE));
        }
    }

    private static List<EncoderOutput> encodeRepeatedly(float[][] windows, int times) {
        List<EncoderOutput> outputs = new ArrayList<>();
        try (WindowEncoder encoder = model.newEncoder()) {
            for (int i = 0; i < times; i++) {
                outputs.add(encoder.encode(windows));
            }
        }
        return outputs;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 65, 128})
    void encode_rejectsWrongRowLength(int length) {
        float[][] windows = {new float[LENGTH], new float[length]};

        try (WindowEncoder encoder = model.newEncoder()) {
            assertThatThrownBy(() -> encoder.encode(windows))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Window 1 of the batch has " + length + " values")
                    .hasMessageContaining("input.length=64");
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void encode_rejectsNonFiniteValue(float value) {
        float[][] windows = TestWindows.sineWindows(3, LENGTH, 5L);
        windows[2][17] = value;

        try (WindowEncoder encoder = model.newEncoder()) {
            assertThatThrownBy(() -> encoder.encode(windows))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Window 2")
                    .hasMessageContaining("non-finite value " + value)
                    .hasMessageContaining("index 17");
        }
    }

    @Test
    void encode_rejectsNullBatchAndNullRow() {
        try (WindowEncoder encoder = model.newEncoder()) {
            assertThatThrownBy(() -> encoder.encode(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must not be null");
            assertThatThrownBy(() -> encoder.encode(new float[][] {new float[LENGTH], null}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Window 1 of the batch is null");
        }
    }

    @Test
    void encode_emptyBatchReturnsEmptyOutput() {
        try (WindowEncoder encoder = model.newEncoder()) {
            EncoderOutput output = encoder.encode(new float[0][]);

            assertThat(output.size()).isZero();
            assertThat(output.embeddings()).isEmpty();
            assertThat(output.reconstructions()).isEmpty();
        }
    }

    @Test
    void encode_modelWithoutForecastReturnsNoForecasts() {
        try (WindowEncoder encoder = model.newEncoder()) {
            EncoderOutput output = encoder.encode(TestWindows.sineWindows(2, LENGTH, 13L));

            assertThat(encoder.descriptor().hasForecast()).isFalse();
            assertThat(output.hasForecasts()).isFalse();
            assertThat(output.forecasts()).isNull();
            assertThat(output.reconstructions()).hasNumberOfRows(2);
        }
    }

    @Test
    void encode_afterCloseFails() {
        WindowEncoder encoder = model.newEncoder();
        encoder.close();
        encoder.close();

        assertThatThrownBy(() -> encoder.encode(TestWindows.sineWindows(1, LENGTH, 1L)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }

    @Test
    void descriptor_isTheModelDescriptor() {
        try (WindowEncoder encoder = model.newEncoder()) {
            assertThat(encoder.descriptor()).isEqualTo(model.descriptor());
        }
    }
}
