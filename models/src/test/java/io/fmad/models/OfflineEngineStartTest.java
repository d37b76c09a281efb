package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.util.Utils;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Checks the air-gapped setup: the TensorFlow engine starts offline from an empty DJL cache with
 * the natives of the classpath jar, and runs the model shipped in this module.
 */
class OfflineEngineStartTest {

    @Test
    void engine_startsOfflineFromEmptyCache() throws Exception {
        TensorFlowTestEngine.Start start = TensorFlowTestEngine.start();
        Path natives = start.cacheDirectory().resolve(TensorFlowTestEngine.NATIVE_DIRECTORY);

        assertThat(Utils.isOfflineMode()).as("DJL offline mode").isTrue();
        assertThat(start.cacheWasEmpty()).as("cache empty before the engine started").isTrue();
        assertThat(natives.resolve("libjnitensorflow.so")).isRegularFile();
        assertThat(natives.resolve("libtensorflow_cc.so.2")).isRegularFile();
        assertThat(natives.resolve("libtensorflow_framework.so.2")).isRegularFile();
        assertThat(Paths.get(TensorFlowTestEngine.nativePreloadPath()))
                .as("directory DJL loaded the natives from")
                .isEqualTo(natives);
        assertThat(start.engine().getVersion()).isEqualTo("2.16.1");
    }

    @Test
    void shippedModel_encodesDeclaredShapes(@TempDir Path extractionRoot)
            throws Exception {
        TensorFlowTestEngine.start();
        SharedModelRegistry registry = new SharedModelRegistry(extractionRoot);
        float[][] windows = TestWindows.sineWindows(8, 64, 7L);

        try (SharedModel model = registry.acquire(ModelLocation.defaultModel(), DeviceSelection.CPU);
                WindowEncoder encoder = model.newEncoder()) {
            ModelDescriptor descriptor = model.descriptor();
            assertThat(descriptor.id()).isEqualTo("fmad-ts-ae");
            assertThat(descriptor.inputLength()).isEqualTo(64);
            assertThat(descriptor.embeddingDim()).isEqualTo(16);
            assertThat(descriptor.reconstructionOutput()).isEqualTo("reconstruction");
            assertThat(model.device()).isEqualTo(Device.cpu());
            assertThat(model.modelDirectory()).startsWith(extractionRoot);

            EncoderOutput output = encoder.encode(windows);

            assertThat(output.size()).isEqualTo(8);
            assertThat(output.embeddings()).hasDimensions(8, 16);
            assertThat(output.reconstructions()).hasDimensions(8, 64);
            assertAllFinite(output.embeddings());
            assertAllFinite(output.reconstructions());
        }
    }

    static void assertAllFinite(float[][] matrix) {
        for (int row = 0; row < matrix.length; row++) {
            for (int column = 0; column < matrix[row].length; column++) {
                assertThat(Float.isFinite(matrix[row][column]))
                        .as("value [%d][%d] = %s is finite", row, column, matrix[row][column])
                        .isTrue();
            }
        }
    }
}
