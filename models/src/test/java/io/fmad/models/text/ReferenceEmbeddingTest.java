package io.fmad.models.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

/**
 * Compares {@link TextEncoder} with langchain4j's own embedding model for the same ONNX file,
 * which runs ONNX Runtime directly and pools the same way. Both run one text per inference call.
 */
class ReferenceEmbeddingTest {

    // Short texts only: langchain4j splits texts of more than 510 tokens into parts and averages
    // their embeddings, where TextEncoder truncates.
    private static final List<String> TEXTS =
            List.of(
                    "disk full on /var",
                    "no space left on device",
                    "user logged in successfully",
                    "Connection to 10.0.0.12:5432 refused after 3 retries",
                    "GC pause (G1 Evacuation Pause) 245ms");

    @Test
    void encode_matchesLangchain4jModel() throws IOException {
        // The DJL engine must create the OrtEnvironment before langchain4j does.
        MiniLmModel model = TextTestModel.model();
        EmbeddingModel reference = new AllMiniLmL6V2QuantizedEmbeddingModel();

        try (TextEncoder encoder = model.newEncoder()) {
            float[][] embeddings = encoder.encode(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                TextSegment segment = TextSegment.from(TEXTS.get(i));
                float[] expected = reference.embed(segment).content().vector();

                assertThat(TextEncoderTest.cosine(embeddings[i], expected))
                        .as("cosine for %s", TEXTS.get(i))
                        .isCloseTo(1.0, within(1e-5));
                assertThat(embeddings[i]).as("text %d", i).containsExactly(expected, within(1e-5f));
            }
        }
    }
}
