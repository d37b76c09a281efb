package io.fmad.models;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Metadata of a window encoder model, read from the {@code model.properties} file that sits next
 * to the SavedModel.
 *
 * <p>The descriptor names the signature input and outputs that the encoder feeds and reads, and
 * the window length that the model accepts. Properties beyond the required ones (such as training
 * facts) are kept unchanged in {@link #properties()}.
 *
 * <p>Instances are immutable and serializable, so a Flink job can ship them with its operators.
 */
public final class ModelDescriptor implements Serializable {

    private static final long serialVersionUID = 1L;

    /** File name of the descriptor inside a model directory. */
    public static final String FILE_NAME = "model.properties";

    /** Key of the job option that sets the window length, named in compatibility errors. */
    public static final String WINDOW_SIZE_OPTION = "window.size";

    // Property keys of model.properties.
    public static final String ID = "id";
    public static final String VERSION = "version";
    public static final String ENGINE = "engine";
    public static final String INPUT_NAME = "input.name";
    public static final String INPUT_LENGTH = "input.length";
    public static final String INPUT_KIND = "input.kind";
    public static final String EMBEDDING_OUTPUT_NAME = "output.embedding.name";
    public static final String EMBEDDING_DIM = "output.embedding.dim";
    public static final String RECONSTRUCTION_OUTPUT_NAME = "output.reconstruction.name";
    public static final String NORMALIZATION = "normalization";
    public static final String TAGS = "tags";
    public static final String SIGNATURE = "signature";
    public static final String INPUT_TYPE = "input.type";
    public static final String RECONSTRUCTION_DIM = "output.reconstruction.dim";
    public static final String FORECAST_OUTPUT_NAME = "output.forecast.name";
    public static final String FORECAST_LENGTH = "output.forecast.length";

    /**
     * Optional detector default that suits the model: the calibrated z-score of its raw scores that
     * reaches the anomaly level.
     */
    public static final String DETECTOR_CALIBRATED_Z = "detector.calibrated-z";
    /** Optional detector default that suits the model: the signals to combine, comma-separated. */
    public static final String DETECTOR_SIGNALS = "detector.signals";

    /** File of an ONNX model inside its directory; TensorFlow models are always saved_model.pb. */
    public static final String MODEL_FILE = "model.file";
    /** ONNX file loaded when the descriptor has no {@value #MODEL_FILE} property. */
    public static final String DEFAULT_ONNX_FILE = "model.onnx";
    /** Engine name of SavedModels. */
    public static final String TENSORFLOW_ENGINE = "TensorFlow";
    /** Engine name of ONNX models, run by DJL's ONNX Runtime engine. */
    public static final String ONNX_ENGINE = "OnnxRuntime";

    /** SavedModel tag set loaded when the descriptor has no {@value #TAGS} property. */
    public static final String DEFAULT_TAGS = "serve";
    /** Signature used when the descriptor has no {@value #SIGNATURE} property. */
    public static final String DEFAULT_SIGNATURE = "serving_default";
    /** The only input and output element type the encoder supports. */
    public static final String FLOAT32 = "float32";

    private final String id;
    private final String version;
    private final String engine;
    private final String inputName;
    private final int inputLength;
    private final String inputKind;
    private final String embeddingOutput;
    private final int embeddingDim;
    private final String reconstructionOutput;
    private final String forecastOutput;
    private final int forecastLength;
    private final String normalization;
    private final String tags;
    private final String signature;
    private final String modelFile;
    private final TreeMap<String, String> properties;

    private ModelDescriptor(Properties source, String sourceName) {
        PropertyReader reader = new PropertyReader(source, sourceName);
        this.id = reader.requireString(ID);
        this.version = reader.requireString(VERSION);
        this.engine = reader.requireString(ENGINE);
        if (!engine.equals(TENSORFLOW_ENGINE) && !engine.equals(ONNX_ENGINE)) {
            throw reader.invalid(ENGINE, engine, "supported engines are " + TENSORFLOW_ENGINE + " and " + ONNX_ENGINE);
        }
        this.modelFile = reader.optionalString(MODEL_FILE, DEFAULT_ONNX_FILE);
        String calibratedZ = reader.optionalString(DETECTOR_CALIBRATED_Z, null);
        if (calibratedZ != null) {
            double z;
            try {
                z = Double.parseDouble(calibratedZ);
            } catch (NumberFormatException e) {
                z = Double.NaN;
            }
            if (!(z > 0 && z < 100)) {
                throw reader.invalid(DETECTOR_CALIBRATED_Z, calibratedZ, "a number above 0 and below 100");
            }
        }
        this.inputName = reader.requireString(INPUT_NAME);
        this.inputLength = reader.requirePositiveInt(INPUT_LENGTH);
        this.inputKind = reader.requireString(INPUT_KIND);
        this.embeddingOutput = reader.requireString(EMBEDDING_OUTPUT_NAME);
        this.embeddingDim = reader.requirePositiveInt(EMBEDDING_DIM);
        this.reconstructionOutput = reader.optionalString(RECONSTRUCTION_OUTPUT_NAME, null);
        this.forecastOutput = reader.optionalString(FORECAST_OUTPUT_NAME, null);
        this.normalization = reader.requireString(NORMALIZATION);
        this.tags = reader.optionalString(TAGS, DEFAULT_TAGS);
        this.signature = reader.optionalString(SIGNATURE, DEFAULT_SIGNATURE);

        String inputType = reader.optionalString(INPUT_TYPE, FLOAT32);
        if (!inputType.equals(FLOAT32)) {
            throw reader.invalid(
                    INPUT_TYPE, inputType, "only " + FLOAT32 + " inputs are supported");
        }
        String reconstructionDim = reader.optionalString(RECONSTRUCTION_DIM, null);
        if (reconstructionDim != null) {
            if (reconstructionOutput == null) {
                throw reader.invalid(
                        RECONSTRUCTION_DIM,
                        reconstructionDim,
                        "it needs " + RECONSTRUCTION_OUTPUT_NAME + " to name the output");
            }
            if (reader.requirePositiveInt(RECONSTRUCTION_DIM) != inputLength) {
                throw reader.invalid(
                        RECONSTRUCTION_DIM,
                        reconstructionDim,
                        "a reconstruction must have "
                                + INPUT_LENGTH
                                + "="
                                + inputLength
                                + " values");
            }
        }

        String forecastLengthValue = reader.optionalString(FORECAST_LENGTH, null);
        if (forecastOutput != null) {
            this.forecastLength = reader.requirePositiveInt(FORECAST_LENGTH);
        } else if (forecastLengthValue != null) {
            throw reader.invalid(
                    FORECAST_LENGTH,
                    forecastLengthValue,
                    "it needs " + FORECAST_OUTPUT_NAME + " to name the output");
        } else {
            this.forecastLength = 0;
        }

        requireDistinctOutputs(sourceName);

        this.properties = new TreeMap<>();
        for (String key : source.stringPropertyNames()) {
            properties.put(key, source.getProperty(key).trim());
        }
    }

    /** Rejects two output properties that name the same signature output. */
    private void requireDistinctOutputs(String sourceName) {
        String[][] outputs = {
            {EMBEDDING_OUTPUT_NAME, embeddingOutput},
            {RECONSTRUCTION_OUTPUT_NAME, reconstructionOutput},
            {FORECAST_OUTPUT_NAME, forecastOutput}
        };
        for (int i = 0; i < outputs.length; i++) {
            for (int j = i + 1; j < outputs.length; j++) {
                if (outputs[i][1] != null && outputs[i][1].equals(outputs[j][1])) {
                    throw new IllegalArgumentException(
                            "Invalid model descriptor "
                                    + sourceName
                                    + ": "
                                    + outputs[i][0]
                                    + " and "
                                    + outputs[j][0]
                                    + " are both '"
                                    + outputs[i][1]
                                    + "', but they must name different signature outputs");
                }
            }
        }
    }

    /**
     * Parses a descriptor from properties.
     *
     * @param properties the descriptor properties
     * @param sourceName the file or resource the properties came from, used in error messages
     * @throws IllegalArgumentException if a required property is missing or a value is invalid;
     *     the message names the property and the source
     */
    public static ModelDescriptor fromProperties(Properties properties, String sourceName) {
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(sourceName, "sourceName");
        return new ModelDescriptor(properties, sourceName);
    }

    /**
     * Reads a descriptor from a UTF-8 properties stream. The stream is not closed.
     *
     * @param input the properties content
     * @param sourceName the file or resource the stream reads, used in error messages
     * @throws IOException if the stream cannot be read
     * @throws IllegalArgumentException if the content is not a valid descriptor
     */
    public static ModelDescriptor read(InputStream input, String sourceName) throws IOException {
        Reader reader = new InputStreamReader(input, StandardCharsets.UTF_8);
        Properties properties = new Properties();
        try {
            properties.load(reader);
        } catch (IllegalArgumentException e) {
            // Properties.load raises this for a malformed Unicode escape.
            throw new IllegalArgumentException(
                    "Invalid model descriptor " + sourceName + ": " + e.getMessage(), e);
        }
        return fromProperties(properties, sourceName);
    }

    /**
     * Reads a descriptor from a UTF-8 properties file.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the content is not a valid descriptor
     */
    public static ModelDescriptor read(Path file) throws IOException {
        try (InputStream input = Files.newInputStream(file)) {
            return read(input, file.toString());
        }
    }

    /**
     * Reads the descriptor of a model without loading the model, for example to validate a job
     * configuration before it is submitted.
     *
     * @throws FileNotFoundException if the location has no {@value #FILE_NAME}
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the content is not a valid descriptor
     */
    public static ModelDescriptor read(ModelLocation location) throws IOException {
        if (location.kind() == ModelLocation.Kind.FILESYSTEM) {
            Path file = location.directory().resolve(FILE_NAME);
            if (!Files.isRegularFile(file)) {
                throw new FileNotFoundException(
                        "Model descriptor " + file.toAbsolutePath() + " not found");
            }
            return read(file);
        }
        String resource = location.path() + "/" + FILE_NAME;
        InputStream input = location.resourceClassLoader().getResourceAsStream(resource);
        if (input == null) {
            throw new FileNotFoundException(
                    "Model descriptor " + location + "/" + FILE_NAME + " not found on the classpath");
        }
        try (input) {
            return read(input, location + "/" + FILE_NAME);
        }
    }

    /**
     * Checks that the job's window length matches the model input.
     *
     * @param windowSize the value of the job option {@value #WINDOW_SIZE_OPTION}
     * @throws IllegalArgumentException if the window size is not positive or differs from the
     *     model's input length
     */
    public void requireCompatible(int windowSize) {
        if (windowSize <= 0) {
            throw new IllegalArgumentException(
                    "Invalid option "
                            + WINDOW_SIZE_OPTION
                            + "="
                            + windowSize
                            + ": expected a positive number of values");
        }
        if (windowSize != inputLength) {
            throw new IllegalArgumentException(
                    "Option "
                            + WINDOW_SIZE_OPTION
                            + "="
                            + windowSize
                            + " does not match model "
                            + id
                            + " version "
                            + version
                            + ", which expects windows of "
                            + INPUT_LENGTH
                            + "="
                            + inputLength
                            + " values. Set "
                            + WINDOW_SIZE_OPTION
                            + " to "
                            + inputLength
                            + " or use a model built for windows of "
                            + windowSize
                            + " values.");
        }
    }

    /** Model identifier, for example {@code fmad-ts-ae}. */
    public String id() {
        return id;
    }

    /** Model version, unique per {@link #id()}. */
    public String version() {
        return version;
    }

    /** Returns the model's suggested calibrated z-score, or NaN when it declares none. */
    public double detectorCalibratedZ() {
        String value = properties.get(DETECTOR_CALIBRATED_Z);
        return value == null ? Double.NaN : Double.parseDouble(value);
    }

    /** Returns the model's suggested detector signals, or null when it declares none. */
    public String detectorSignals() {
        return properties.get(DETECTOR_SIGNALS);
    }

    /** File name of an ONNX model in its directory; meaningless for TensorFlow models. */
    public String modelFile() {
        return modelFile;
    }

    /** DJL engine name that runs the model, for example {@code TensorFlow}. */
    public String engine() {
        return engine;
    }

    /** Name of the signature input that takes float32 windows of shape [batch, inputLength]. */
    public String inputName() {
        return inputName;
    }

    /** Number of values in one input window. */
    public int inputLength() {
        return inputLength;
    }

    /** Kind of series the model was trained on, as declared by the model builder. */
    public String inputKind() {
        return inputKind;
    }

    /** Name of the signature output with float32 embeddings of shape [batch, embeddingDim]. */
    public String embeddingOutput() {
        return embeddingOutput;
    }

    /** Number of values in one embedding. */
    public int embeddingDim() {
        return embeddingDim;
    }

    /**
     * Name of the signature output with float32 reconstructions of shape [batch, inputLength], or
     * null if the model has no such output.
     */
    public String reconstructionOutput() {
        return reconstructionOutput;
    }

    /** Returns whether the model declares a reconstruction output. */
    public boolean hasReconstruction() {
        return reconstructionOutput != null;
    }

    /**
     * Name of the signature output with float32 forecasts of shape [batch, forecastLength], the
     * values expected after the window, or null if the model has no such output.
     */
    public String forecastOutput() {
        return forecastOutput;
    }

    /** Number of forecast values per window, or 0 if the model has no forecast output. */
    public int forecastLength() {
        return forecastLength;
    }

    /** Returns whether the model declares a forecast output. */
    public boolean hasForecast() {
        return forecastOutput != null;
    }

    /** Normalization that callers must apply to each window before encoding it. */
    public String normalization() {
        return normalization;
    }

    /** Comma-separated tags of the meta graph to load, default {@value #DEFAULT_TAGS}. */
    public String tags() {
        return tags;
    }

    /** Signature that the encoder runs, {@value #DEFAULT_SIGNATURE} by default. */
    public String signature() {
        return signature;
    }

    /** Returns all properties of the descriptor file, including training facts, trimmed. */
    public Map<String, String> properties() {
        return Collections.unmodifiableMap(properties);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ModelDescriptor)) {
            return false;
        }
        return properties.equals(((ModelDescriptor) other).properties);
    }

    @Override
    public int hashCode() {
        return properties.hashCode();
    }

    @Override
    public String toString() {
        return "ModelDescriptor{id="
                + id
                + ", version="
                + version
                + ", engine="
                + engine
                + ", input="
                + inputName
                + "["
                + inputLength
                + "], embedding="
                + embeddingOutput
                + "["
                + embeddingDim
                + "], reconstruction="
                + reconstructionOutput
                + ", forecast="
                + (forecastOutput == null ? null : forecastOutput + "[" + forecastLength + "]")
                + ", normalization="
                + normalization
                + ", tags="
                + tags
                + ", signature="
                + signature
                + "}";
    }

    /** Reads required and optional values with errors that name the property and the source. */
    private static final class PropertyReader {

        private final Properties source;
        private final String sourceName;

        PropertyReader(Properties source, String sourceName) {
            this.source = source;
            this.sourceName = sourceName;
        }

        String requireString(String key) {
            String value = optionalString(key, null);
            if (value == null) {
                throw new IllegalArgumentException(
                        "Missing property '" + key + "' in model descriptor " + sourceName);
            }
            return value;
        }

        /** Returns the trimmed value, or the default if the property is absent or blank. */
        String optionalString(String key, String defaultValue) {
            String value = source.getProperty(key);
            if (value == null || value.isBlank()) {
                return defaultValue;
            }
            return value.trim();
        }

        int requirePositiveInt(String key) {
            String value = requireString(key);
            int parsed;
            try {
                parsed = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw invalidPositiveInt(key, value);
            }
            if (parsed <= 0) {
                throw invalidPositiveInt(key, value);
            }
            return parsed;
        }

        private IllegalArgumentException invalidPositiveInt(String key, String value) {
            return invalid(key, value, "expected a positive integer");
        }

        IllegalArgumentException invalid(String key, String value, String reason) {
            return new IllegalArgumentException(
                    "Invalid property "
                            + key
                            + "="
                            + value
                            + " in model descriptor "
                            + sourceName
                            + ": "
                            + reason);
        }
    }
}
