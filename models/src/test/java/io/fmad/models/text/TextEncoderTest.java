package io.fmad.models.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.djl.util.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/** Runs the real all-MiniLM-L6-v2 model with DJL's ONNX Runtime engine, offline. */
class TextEncoderTest {

    private static final List<String> LOG_LINES =
            List.of(
                    "disk full on /var",
                    "no space left on device",
                    "user logged in successfully",
                    "Connection to 10.0.0.12:5432 refused after 3 retries",
                    "GC pause (G1 Evacuation Pause) 245ms",
                    "",
                    "ERROR [main] o.a.f.r.taskmanager.Task - Source: Kafka (1/4) switched from"
                            + " RUNNING to FAILED",
                    "ok");

    private static MiniLmModel model;

    @BeforeAll
    static void loadModel() throws IOException {
        model = TextTestModel.model();
    }

    @Test
    void model_idAndVersionFromArtifact() {
        assertThat(model.id()).isEqualTo("all-minilm-l6-v2");
        assertThat(model.version()).isEqualTo("q-1.19.0-beta29");
        assertThat(MiniLmModel.shared()).isSameAs(model);
    }

    @Test
    void model_leavesTensorFlowEngineStopped() {
        // Other test classes of this module may start TensorFlow first, in this same JVM.
        assumeFalse(TextTestModel.tensorFlowLoadedBefore(), "TensorFlow started before the model");

        assertThat(TextTestModel.tensorFlowLoadedAfter())
                .as("TensorFlow natives loaded while loading the model")
                .isFalse();
        assertThat(System.getProperty(MiniLmModel.DISABLE_ALTERNATIVE_ENGINE)).isEqualTo("true");
    }

    @Test
    void tokenizerNatives_extractedFromClasspathOffline() throws IOException {
        assertThat(Utils.isOfflineMode()).as("DJL offline mode").isTrue();

        Path cache = TextTestModel.tokenizersCacheDirectory();
        List<Path> libraries;
        try (Stream<Path> paths = Files.walk(cache)) {
            libraries = paths.filter(p -> p.endsWith("libtokenizers.so")).toList();
        }
        assertThat(libraries).as("libtokenizers.so under %s", cache).hasSize(1);
    }

    @Test
    void encode_returnsUnitNormEmbeddings() {
        try (TextEncoder encoder = model.newEncoder()) {
            float[][] embeddings = encoder.encode(LOG_LINES);

            assertThat(encoder.dimension()).isEqualTo(384);
            assertThat(embeddings).hasNumberOfRows(LOG_LINES.size());
            for (float[] embedding : embeddings) {
                assertThat(embedding).hasSize(384);
                assertThat(norm(embedding)).isCloseTo(1.0, within(1e-5));
            }
        }
    }

    @Test
    void encode_emptyListReturnsNoRows() {
        try (TextEncoder encoder = model.newEncoder()) {
            assertThat(encoder.encode(List.of())).isEmpty();
        }
    }

    @Test
    void encode_similarMeaningsAreCloser() {
        try (TextEncoder encoder = model.newEncoder()) {
            float[][] embeddings =
                    encoder.encode(
                            List.of(
                                    "disk full on /var",
                                    "no space left on device",
                                    "user logged in successfully"));

            double related = cosine(embeddings[0], embeddings[1]);
            double unrelated = cosine(embeddings[0], embeddings[2]);
            assertThat(related).isGreaterThan(unrelated);
        }
    }

    @Test
    void encode_batchEqualsOneByOne() {
        float[][] batched;
        try (TextEncoder encoder = model.newEncoder()) {
            assertThat(encoder.batchSize()).isEqualTo(1);
            batched = encoder.encode(LOG_LINES);
        }

        try (TextEncoder encoder = model.newEncoder()) {
            for (int i = 0; i < LOG_LINES.size(); i++) {
                float[] single = encoder.encode(List.of(LOG_LINES.get(i)))[0];
                assertThat(batched[i]).as("text %d", i).containsExactly(single, within(1e-5f));
            }
        }
    }

    @Test
    void encode_largerBatchesStayCloseToSingle() {
        float[][] batched;
        try (TextEncoder encoder = model.newEncoder(MiniLmModel.DEFAULT_MAX_TOKENS, 3)) {
            batched = encoder.encode(LOG_LINES);
        }

        // The quantized graph scales activations per batch, so batches of more than one text
        // change the embeddings a little. The minimum cosine measured for these lines was 0.957.
        try (TextEncoder encoder = model.newEncoder()) {
            for (int i = 0; i < LOG_LINES.size(); i++) {
                float[] single = encoder.encode(List.of(LOG_LINES.get(i)))[0];
                assertThat(cosine(batched[i], single)).as("text %d", i).isGreaterThan(0.95);
            }
        }
    }

    @Test
    void encode_emptyStringIsClsAndSep() {
        try (TextEncoder encoder = model.newEncoder()) {
            TokenBatch batch = encoder.tokenize(List.of(""));
            // [CLS] and [SEP] in the BERT uncased vocabulary.
            assertThat(batch.inputIds()[0]).containsExactly(101L, 102L);

            float[] embedding = encoder.encode(List.of(""))[0];
            assertThat(norm(embedding)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void tokenize_padsToLongestInBatch() {
        try (TextEncoder encoder = model.newEncoder()) {
            TokenBatch batch = encoder.tokenize(List.of("ok", "disk full on /var"));

            int longest = encoder.tokenize(List.of("disk full on /var")).sequenceLength();
            assertThat(batch.sequenceLength()).isEqualTo(longest);
            assertThat(batch.attentionMask()[0]).containsExactly(padded(3, longest));
            assertThat(batch.inputIds()[0][longest - 1]).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 128, 512})
    void encode_truncatesLongLine(int maxTokens) {
        String longLine = String.join(" ", Collections.nCopies(3000, "error"));
        try (TextEncoder encoder = model.newEncoder(maxTokens, MiniLmModel.DEFAULT_BATCH_SIZE)) {
            TokenBatch batch = encoder.tokenize(List.of(longLine, "ok"));
            assertThat(batch.sequenceLength()).isEqualTo(maxTokens);
            assertThat(batch.inputIds()[0][maxTokens - 1])
                    .as("last token is [SEP]")
                    .isEqualTo(102L);

            float[][] embeddings = encoder.encode(List.of(longLine, "ok"));
            assertThat(norm(embeddings[0])).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void encode_rejectsNullText() {
        List<String> texts = new ArrayList<>(List.of("disk full on /var"));
        texts.add(null);
        try (TextEncoder encoder = model.newEncoder()) {
            assertThatThrownBy(() -> encoder.encode(texts))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Text 1 of 2 is null");
            assertThatThrownBy(() -> encoder.encode(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Texts must not be null");
        }
    }

    @Test
    void encode_rejectsClosedEncoder() {
        TextEncoder encoder = model.newEncoder();
        encoder.close();
        encoder.close();

        assertThatThrownBy(() -> encoder.encode(List.of("ok")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 513})
    void newEncoder_rejectsMaxTokensOutOfRange(int maxTokens) {
        assertThatThrownBy(() -> model.newEncoder(maxTokens, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxTokens is " + maxTokens);
    }

    @Test
    void newEncoder_rejectsZeroBatchSize() {
        assertThatThrownBy(() -> model.newEncoder(MiniLmModel.DEFAULT_MAX_TOKENS, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchSize is 0");
    }

    private static long[] padded(int tokens, int length) {
        long[] mask = new long[length];
        Arrays.fill(mask, 0, tokens, 1L);
        return mask;
    }

    static double norm(float[] vector) {
        double sum = 0;
        for (float value : vector) {
            sum += (double) value * value;
        }
        return Math.sqrt(sum);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }
}
