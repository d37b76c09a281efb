package io.fmad.job.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fmad.models.text.MiniLmModel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the real all-MiniLM-L6-v2 model, offline, from its Maven Central jar. */
class MiniLmTemplateEmbedderTest {

    private static TemplateEmbedder embedder;

    @BeforeAll
    static void createEmbedder() {
        embedder = MiniLmTemplateEmbedder.factory(MiniLmModel.DEFAULT_MAX_TOKENS).create();
    }

    @AfterAll
    static void closeEmbedder() {
        embedder.close();
    }

    @Test
    void embed_unitLengthOfModelDimension() {
        float[] embedding = embedder.embed("user <NUM> logged in from <IP>");

        double norm = 0;
        for (float value : embedding) {
            norm += value * value;
        }
        assertThat(embedding).hasSize(MiniLmModel.DIMENSION);
        assertThat(embedder.dimension()).isEqualTo(MiniLmModel.DIMENSION);
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void embed_sameTemplateSameEmbedding() {
        float[] first = embedder.embed("job <HEX> finished in <NUM> ms");
        embedder.embed("GC pause <NUM>ms");
        float[] second = embedder.embed("job <HEX> finished in <NUM> ms");

        assertThat(second).containsExactly(first);
    }

    @Test
    void embed_variantCloserThanUnrelatedMessage() {
        float[] known = embedder.embed("user <NUM> logged in from <IP>");
        float[] variant = embedder.embed("user <NUM> logged out from <IP>");
        float[] unrelated = embedder.embed("java.lang.OutOfMemoryError: Java heap space");

        assertThat(dot(known, variant)).isGreaterThan(dot(known, unrelated) + 0.3);
    }

    @Test
    void embedder_namesModel() {
        assertThat(embedder.modelId()).isEqualTo(MiniLmModel.MODEL_ID);
        assertThat(embedder.modelVersion()).startsWith("q-");
    }

    @Test
    void factory_rejectsTokenLimitOutOfRange() {
        assertThatThrownBy(() -> MiniLmTemplateEmbedder.factory(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxTokens is 1");
        assertThatThrownBy(() -> MiniLmTemplateEmbedder.factory(513))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 2 to 512");
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int d = 0; d < a.length; d++) {
            sum += a[d] * b[d];
        }
        return sum;
    }
}
