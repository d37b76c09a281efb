package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

class ModelDescriptorTest {

    private static final String SOURCE = "/models/test/model.properties";

    static Properties validProperties() {
        Properties properties = new Properties();
        properties.setProperty("id", "fmad-ts-ae");
        properties.setProperty("version", "1");
        properties.setProperty("engine", "TensorFlow");
        properties.setProperty("input.name", "window");
        properties.setProperty("input.length", "64");
        properties.setProperty("input.kind", "univariate");
        properties.setProperty("output.embedding.name", "embedding");
        properties.setProperty("output.embedding.dim", "16");
        properties.setProperty("output.reconstruction.name", "reconstruction");
        properties.setProperty("normalization", "zscore");
        properties.setProperty("training.epochs", "30");
        return properties;
    }

    @Test
    void fromProperties_readsEveryField() {
        ModelDescriptor descriptor = ModelDescriptor.fromProperties(validProperties(), SOURCE);

        assertThat(descriptor.id()).isEqualTo("fmad-ts-ae");
        assertThat(descriptor.version()).isEqualTo("1");
        assertThat(descriptor.engine()).isEqualTo("TensorFlow");
        assertThat(descriptor.inputName()).isEqualTo("window");
        assertThat(descriptor.inputLength()).isEqualTo(64);
        assertThat(descriptor.inputKind()).isEqualTo("univariate");
        assertThat(descriptor.embeddingOutput()).isEqualTo("embedding");
        assertThat(descriptor.embeddingDim()).isEqualTo(16);
        assertThat(descriptor.reconstructionOutput()).isEqualTo("reconstruction");
        assertThat(descriptor.hasReconstruction()).isTrue();
        assertThat(descriptor.normalization()).isEqualTo("zscore");
        assertThat(descriptor.properties()).containsEntry("training.epochs", "30");
    }

    @Test
    void fromProperties_trimsValues() {
        Properties properties = validProperties();
        properties.setProperty("input.length", " 64 ");
        properties.setProperty("id", "fmad-ts-ae  ");

        ModelDescriptor descriptor = ModelDescriptor.fromProperties(properties, SOURCE);

        assertThat(descriptor.inputLength()).isEqualTo(64);
        assertThat(descriptor.id()).isEqualTo("fmad-ts-ae");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "id",
                "version",
                "engine",
                "input.name",
                "input.length",
                "input.kind",
                "output.embedding.name",
                "output.embedding.dim",
                "normalization"
            })
    void fromProperties_missingPropertyIsNamed(String key) {
        Properties properties = validProperties();
        properties.remove(key);

        assertThatThrownBy(() -> ModelDescriptor.fromProperties(properties, SOURCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Missing property '" + key + "' in model descriptor " + SOURCE);
    }

    @Test
    void fromProperties_blankValueCountsAsMissing() {
        Properties properties = validProperties();
        properties.setProperty("input.name", "  ");

        assertThatThrownBy(() -> ModelDescriptor.fromProperties(properties, SOURCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Missing property 'input.name'");
    }

    @ParameterizedTest
    @CsvSource({
        "input.length, abc",
        "input.length, 0",
        "input.length, -64",
        "input.length, 6.4",
        "output.embedding.dim, 99999999999",
        "output.embedding.dim, 0"
    })
    void fromProperties_invalidIntegerIsNamed(String key, String value) {
        Properties properties = validProperties();
        properties.setProperty(key, value);

        assertThatThrownBy(() -> ModelDescriptor.fromProperties(properties, SOURCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Invalid property "
                                + key
                                + "="
                                + value
                                + " in model descriptor "
                                + SOURCE
                                + ": expected a positive integer");
    }

    @Test
    void fromProperties_reconstructionIsOptional() {
        Properties properties = validProperties();
        properties.remove("output.reconstruction.name");

        ModelDescriptor descriptor = ModelDescriptor.fromProperties(properties, SOURCE);

        assertThat(descriptor.reconstructionOutput()).isNull();
        assertThat(descriptor.hasReconstruction()).isFalse();
    }

    @Test
    void fromProperties_tagsAndSignatureHaveDefaults() {
        ModelDescriptor descriptor = ModelDescriptor.fromProperties(validProperties(), SOURCE);

        assertThat(descriptor.tags()).isEqualTo("serve");
        assertThat(descriptor.signature()).isEqualTo("serving_default");
    }

    @Test
    void fromProperties_readsTagsAndSignature() {
        Properties properties = validProperties();
        properties.setProperty("tags", "serve,gpu");
        properties.setProperty("signature", "encode");

        ModelDescriptor descriptor = ModelDescriptor.fromProperties(properties, SOURCE);

        assertThat(descriptor.tags()).isEqualTo("serve,gpu");
        assertThat(descriptor.signature()).isEqualTo("encode");
    }

    @ParameterizedTest
    @CsvSource({
        "input.type, float64, only float32 inputs are supported",
        "output.reconstruction.dim, 32, a reconstruction must have input.length=64 values",
        "output.reconstruction.dim, x, expected a positive integer"
    })
    void fromProperties_rejectsUnsupportedDeclaration(String key, String value, String reason) {
        Properties properties = validProperties();
        properties.setProperty(key, value);

        assertThatThrownBy(() -> ModelDescriptor.fromProperties(properties, SOURCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Invalid property "
                                + key
                                + "="
                                + value
                                + " in model descriptor "
                                + SOURCE
                                + ": "
                                + reason);
    }

    @Test
    void fromProperties_reconstructionDimNeedsOutputName() {
        Properties properties = validProperties();
        properties.remove("output.reconstruction.name");
        properties.setProperty("output.reconstruction.dim", "64");

        assertThatThrownBy(() -> ModelDescriptor.fromProperties(properties, SOURCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("it needs output.reconstruction.name to name the output");
    }

    @Test
    void fromProperties_rejectsSameNameForBothOutputs() {
        Properties properties = validProperties();
        properties.setProperty("output.reconstruction.name", "embedding");

        assertThatThrownBy(() -> ModelDescriptor.fromProperties(properties, SOURCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("must name different signature outputs");
    }

    @Test
    void fromProperties_forecastIsOptional() {
        ModelDescriptor descriptor = ModelDescriptor.fromProperties(validProperties(), SOURCE);

        assertThat(descriptor.hasForecast()).isFalse();
        assertThat(descriptor.forecastOutput()).isNull();
        assertThat(descriptor.forecastLength()).isZero();
    }

    @Test
    void fromProperties_readsForecast() {
        Properties properties = validProperties();
        properties.setProperty("output.forecast.name", "forecast");
        properties.setProperty("output.forecast.length", "8");

        ModelDescriptor descriptor = ModelDescriptor.fromProperties(properties, SOURCE);

        assertThat(descriptor.hasForecast()).isTrue();
        assertThat(descriptor.forecastOutput()).isEqualTo("forecast");
        assertThat(descriptor.forecastLength()).isEqualTo(8);
        assertThat(descriptor.toString()).contains("forecast=forecast[8]");
    }

    @Test
    void fromProperties_forecastNeedsLength() {
        Properties properties = validProperties();
        properties.setProperty("output.forecast.name", "forecast");

        assertThatThrownBy(() -> ModelDescriptor.fromProperties(properties, SOURCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Missing property 'output.forecast.length' in model descriptor "
                                + SOURCE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-8", "eight"})
    void fromProperties_rejectsInvalidForecastLength(String value) {
        Properties properties = validProperties();
        properties.setProperty("output.forecast.name", "forecast");
        properties.setProperty("output.forecast.length", value);

        assertThatThrownBy(() -> ModelDescriptor.fromProperties(properties, SOURCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Invalid property output.forecast.length="
                                + value
                                + " in model descriptor "
                                + SOURCE
                                + ": expected a positive integer");
    }

    @Test
    void fromProperties_forecastLengthNeedsOutputName() {
        Properties properties = validProperties();
        properties.setProperty("output.forecast.length", "8");

        assertThatThrownBy(() -> ModelDescriptor.fromProperties(properties, SOURCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("it needs output.forecast.name to name the output");
    }

    @ParameterizedTest
    @CsvSource({
        "embedding, output.embedding.name and output.forecast.name",
        "reconstruction, output.reconstruction.name and output.forecast.name"
    })
    void fromProperties_rejectsForecastNamedLikeOtherOutput(String name, String keys) {
        Properties properties = validProperties();
        properties.setProperty("output.forecast.name", name);
        properties.setProperty("output.forecast.length", "8");

        assertThatThrownBy(() -> ModelDescriptor.fromProperties(properties, SOURCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(keys + " are both '" + name + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2", "3"})
    void read_shippedFoundationDescriptorDeclaresForecast(String version) throws IOException {
        ModelDescriptor descriptor =
                ModelDescriptor.read(
                        ModelLocation.classpath("io/fmad/models/fmad-ts-fm/" + version));

        assertThat(descriptor.id()).isEqualTo("fmad-ts-fm");
        assertThat(descriptor.version()).isEqualTo(version);
        assertThat(descriptor.inputLength()).isEqualTo(64);
        assertThat(descriptor.embeddingDim()).isEqualTo(16);
        assertThat(descriptor.reconstructionOutput()).isEqualTo("reconstruction");
        assertThat(descriptor.forecastOutput()).isEqualTo("forecast");
        assertThat(descriptor.forecastLength()).isEqualTo(8);
        assertThat(descriptor.normalization()).isEqualTo("key-zscore-clip10");
    }

    @Test
    void read_fileErrorsNameTheFile(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("model.properties");
        Files.writeString(file, "id=fmad-ts-ae\nversion=1\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ModelDescriptor.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Missing property 'engine' in model descriptor " + file);
    }

    @Test
    void read_streamIsUtf8() throws IOException {
        Properties properties = validProperties();
        StringBuilder text = new StringBuilder();
        for (String key : properties.stringPropertyNames()) {
            text.append(key).append('=').append(properties.getProperty(key)).append('\n');
        }
        text.append("training.note=Übung °C\n");
        InputStream input = new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8));

        ModelDescriptor descriptor = ModelDescriptor.read(input, SOURCE);

        assertThat(descriptor.properties()).containsEntry("training.note", "Übung °C");
    }

    @Test
    void read_shippedDescriptorIsValid() throws IOException {
        String resource = ModelLocation.DEFAULT_CLASSPATH_DIRECTORY + "/" + ModelDescriptor.FILE_NAME;
        try (InputStream input = getClass().getClassLoader().getResourceAsStream(resource)) {
            assertThat(input).as("resource %s", resource).isNotNull();

            ModelDescriptor descriptor = ModelDescriptor.read(input, resource);

            assertThat(descriptor.id()).isEqualTo("fmad-ts-ae");
            assertThat(descriptor.version()).isEqualTo("1");
            assertThat(descriptor.engine()).isEqualTo("TensorFlow");
            assertThat(descriptor.inputName()).isEqualTo("window");
            assertThat(descriptor.inputLength()).isEqualTo(64);
            assertThat(descriptor.embeddingOutput()).isEqualTo("embedding");
            assertThat(descriptor.embeddingDim()).isEqualTo(16);
            assertThat(descriptor.reconstructionOutput()).isEqualTo("reconstruction");
            assertThat(descriptor.tags()).isEqualTo("serve");
            assertThat(descriptor.signature()).isEqualTo("serving_default");
        }
    }

    @Test
    void readLocation_classpathAndDirectoryGiveSameDescriptor(@TempDir Path directory)
            throws IOException {
        ModelDescriptor fromClasspath = ModelDescriptor.read(ModelLocation.defaultModel());
        String resource = ModelLocation.DEFAULT_CLASSPATH_DIRECTORY + "/" + ModelDescriptor.FILE_NAME;
        try (InputStream input = getClass().getClassLoader().getResourceAsStream(resource)) {
            Files.copy(input, directory.resolve(ModelDescriptor.FILE_NAME));
        }

        ModelDescriptor fromDirectory = ModelDescriptor.read(ModelLocation.directory(directory));

        assertThat(fromClasspath.id()).isEqualTo("fmad-ts-ae");
        assertThat(fromDirectory).isEqualTo(fromClasspath);
    }

    @Test
    void readLocation_missingDescriptorNamesLocation(@TempDir Path directory) {
        ModelLocation classpath = ModelLocation.classpath("io/fmad/models/no-such-model/1");
        ModelLocation filesystem = ModelLocation.directory(directory);

        assertThatThrownBy(() -> ModelDescriptor.read(classpath))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessage(
                        "Model descriptor classpath:io/fmad/models/no-such-model/1/model.properties"
                                + " not found on the classpath");
        assertThatThrownBy(() -> ModelDescriptor.read(filesystem))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessage("Model descriptor " + directory.resolve("model.properties") + " not found");
    }

    @Test
    void requireCompatible_acceptsInputLength() {
        ModelDescriptor descriptor = ModelDescriptor.fromProperties(validProperties(), SOURCE);

        assertThatCode(() -> descriptor.requireCompatible(64)).doesNotThrowAnyException();
    }

    @Test
    void requireCompatible_mismatchNamesOption() {
        ModelDescriptor descriptor = ModelDescriptor.fromProperties(validProperties(), SOURCE);

        assertThatThrownBy(() -> descriptor.requireCompatible(32))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Option window.size=32 does not match model fmad-ts-ae version 1")
                .hasMessageContaining("input.length=64")
                .hasMessageContaining("Set window.size to 64");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void requireCompatible_rejectsNonPositiveWindowSize(int windowSize) {
        ModelDescriptor descriptor = ModelDescriptor.fromProperties(validProperties(), SOURCE);

        assertThatThrownBy(() -> descriptor.requireCompatible(windowSize))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid option window.size=" + windowSize);
    }

    @Test
    void serialization_roundTripKeepsEquality() throws Exception {
        ModelDescriptor descriptor = ModelDescriptor.fromProperties(validProperties(), SOURCE);

        ModelDescriptor copy = roundTrip(descriptor);

        assertThat(copy).isEqualTo(descriptor);
        assertThat(copy.hashCode()).isEqualTo(descriptor.hashCode());
        assertThat(copy.inputLength()).isEqualTo(64);
        assertThat(copy.properties()).isEqualTo(descriptor.properties());
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream output = new ObjectOutputStream(bytes)) {
            output.writeObject(value);
        }
        try (ObjectInputStream input =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) input.readObject();
        }
    }
}
