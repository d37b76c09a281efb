package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

class OnnxModelLoaderTest {

    @TempDir Path root;

    @Test
    void acquire_onnxModelFromPathEncodes() {
        OnnxTestModels model = new OnnxTestModels(64, 16, 11);
        Path directory = root.resolve("linear");
        model.writeTo(directory);
        SharedModelRegistry registry = new SharedModelRegistry(root.resolve("extracted"));
        Random random = new Random(3);
        float[][] windows = new float[5][64];
        for (float[] window : windows) {
            for (int i = 0; i < window.length; i++) {
                window[i] = (float) random.nextGaussian();
            }
        }

        try (SharedModel shared = registry.acquire(ModelLocation.directory(directory), DeviceSelection.CPU);
                WindowEncoder encoder = shared.newEncoder()) {
            EncoderOutput output = encoder.encode(windows);

            assertThat(shared.descriptor().engine()).isEqualTo(ModelDescriptor.ONNX_ENGINE);
            for (int row = 0; row < windows.length; row++) {
                float[] expectedEmbedding = model.embedding(windows[row]);
                float[] expectedReconstruction = model.reconstruction(windows[row]);
                for (int j = 0; j < expectedEmbedding.length; j++) {
                    assertThat(output.embeddings()[row][j]).isCloseTo(expectedEmbedding[j], within(1e-4f));
                }
                for (int i = 0; i < expectedReconstruction.length; i++) {
                    assertThat(output.reconstructions()[row][i]).isCloseTo(expectedReconstruction[i], within(1e-4f));
                }
            }
        }
    }

    @Test
    void acquire_missingOnnxFileNamesTheFile() throws IOException {
        Path directory = root.resolve("missing");
        new OnnxTestModels(64, 16, 11).writeTo(directory);
        Files.delete(directory.resolve("model.onnx"));
        SharedModelRegistry registry = new SharedModelRegistry(root.resolve("extracted"));

        assertThatThrownBy(() -> registry.acquire(ModelLocation.directory(directory), DeviceSelection.CPU))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("No ONNX file model.onnx found in model directory");
    }
}
