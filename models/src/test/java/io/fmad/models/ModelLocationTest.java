package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.nio.file.Paths;

class ModelLocationTest {

    @Test
    void defaultModel_isShippedClasspathDirectory() {
        ModelLocation location = ModelLocation.defaultModel();

        assertThat(location.kind()).isEqualTo(ModelLocation.Kind.CLASSPATH);
        assertThat(location.path()).isEqualTo("io/fmad/models/fmad-ts-ae/1");
        assertThat(location).hasToString("classpath:io/fmad/models/fmad-ts-ae/1");
    }

    @ParameterizedTest
    @CsvSource({
        "classpath:io/fmad/models/fmad-ts-ae/1, io/fmad/models/fmad-ts-ae/1",
        "classpath:/io/fmad/models/fmad-ts-ae/1/, io/fmad/models/fmad-ts-ae/1",
        "'  classpath:models/x  ', models/x"
    })
    void parse_classpathPrefix(String value, String resourceDirectory) {
        ModelLocation location = ModelLocation.parse(value);

        assertThat(location.kind()).isEqualTo(ModelLocation.Kind.CLASSPATH);
        assertThat(location.path()).isEqualTo(resourceDirectory);
        assertThat(location).isEqualTo(ModelLocation.classpath(resourceDirectory));
    }

    @Test
    void parse_filesystemPath() {
        ModelLocation location = ModelLocation.parse("/opt/models/fmad-ts-ae/1/");

        assertThat(location.kind()).isEqualTo(ModelLocation.Kind.FILESYSTEM);
        assertThat(location.directory()).isEqualTo(Paths.get("/opt/models/fmad-ts-ae/1"));
        assertThat(location).hasToString("/opt/models/fmad-ts-ae/1");
    }

    @Test
    void parse_relativePathStaysRelative() {
        ModelLocation location = ModelLocation.parse("models/./fmad-ts-ae/1");

        assertThat(location.directory()).isEqualTo(Paths.get("models/fmad-ts-ae/1"));
        assertThat(location.directory().isAbsolute()).isFalse();
    }

    @Test
    void parse_fileUri() {
        ModelLocation location = ModelLocation.parse("file:///opt/models/my%20model");

        assertThat(location).isEqualTo(ModelLocation.directory(Path.of("/opt/models/my model")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void parse_rejectsBlankValue(String value) {
        assertThatThrownBy(() -> ModelLocation.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the value is empty");
    }

    @Test
    void parse_rejectsNull() {
        assertThatThrownBy(() -> ModelLocation.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the value is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"classpath:", "classpath:/", "classpath:a/../b", "classpath:a//b"})
    void parse_rejectsInvalidResourceDirectory(String value) {
        assertThatThrownBy(() -> ModelLocation.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid classpath model location");
    }

    @Test
    void parse_rejectsInvalidFileUri() {
        assertThatThrownBy(() -> ModelLocation.parse("file://host/share/model"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid model location 'file://host/share/model'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"classpath:io/fmad/models/fmad-ts-ae/1", "/opt/models/a", "models/a"})
    void toString_parsesBackToEqualLocation(String value) {
        ModelLocation location = ModelLocation.parse(value);

        assertThat(ModelLocation.parse(location.toString())).isEqualTo(location);
    }

    @Test
    void directory_onClasspathLocationFails() {
        assertThatThrownBy(() -> ModelLocation.defaultModel().directory())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not a filesystem path");
    }

    @Test
    void serialization_roundTripKeepsEquality() throws Exception {
        ModelLocation classpath = ModelLocation.defaultModel();
        ModelLocation filesystem = ModelLocation.parse("/opt/models/a");

        assertThat(ModelDescriptorTest.roundTrip(classpath)).isEqualTo(classpath);
        assertThat(ModelDescriptorTest.roundTrip(filesystem)).isEqualTo(filesystem);
        assertThat(classpath).isNotEqualTo(ModelLocation.parse("io/fmad/models/fmad-ts-ae/1"));
    }
}
