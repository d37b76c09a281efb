package io.fmad.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmad.job.config.FmadConfig;
import io.fmad.job.detect.AnomalyScorer;
import io.fmad.job.detect.DetectorSettings;
import io.fmad.job.detect.DetectorSignal;
import io.fmad.models.ModelDescriptor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** Checks the start-up validation of the encoder model against the job's configuration. */
class FmadPipelineModelTest {

    private static final String AUTOENCODER = "classpath:io/fmad/models/fmad-ts-ae/1";

    @Test
    void validateModel_defaultSignalsSkipMissingForecast() {
        ModelDescriptor descriptor = FmadPipeline.validateModel(FmadConfig.from(Map.of("encoder.model", AUTOENCODER)));

        assertThat(descriptor.hasForecast()).isFalse();
    }

    @Test
    void validateModel_listedForecastWithoutOutputFails() {
        FmadConfig config = FmadConfig.from(Map.of("detector.signals", "reconstruction, forecast", "encoder.model", AUTOENCODER));

        assertThatThrownBy(() -> FmadPipeline.validateModel(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid value 'reconstruction, forecast' for option 'detector.signals'")
                .hasMessageContaining("has no forecast output");
    }

    @Test
    void validateModel_forecastingModelAcceptsForecast() {
        FmadConfig config = FmadConfig.from(Map.of(
                "detector.signals", "reconstruction,forecast",
                "encoder.model", "classpath:io/fmad/models/fmad-ts-fm/2"));

        assertThat(FmadPipeline.validateModel(config).hasForecast()).isTrue();
    }

    @Test
    void detectorSettings_takeTheModelsSuggestedDefaults() {
        FmadConfig config = FmadConfig.from(Map.of("encoder.model", "classpath:io/fmad/models/fmad-ts-fm/3"));

        DetectorSettings settings = FmadPipeline.detectorSettings(config);

        assertThat(settings.calibratedZ()).isEqualTo(4.5);
        assertThat(settings.signals())
                .containsExactlyInAnyOrder(
                        DetectorSignal.RECONSTRUCTION, DetectorSignal.SEASONAL, DetectorSignal.LEVEL, DetectorSignal.RANGE);
    }

    @Test
    void detectorSettings_listedSignalsOverrideTheModel() {
        FmadConfig config = FmadConfig.from(Map.of(
                "encoder.model", "classpath:io/fmad/models/fmad-ts-fm/3",
                "detector.signals", "reconstruction,forecast"));

        assertThat(FmadPipeline.detectorSettings(config).signals())
                .containsExactlyInAnyOrder(DetectorSignal.RECONSTRUCTION, DetectorSignal.FORECAST);
    }

    @Test
    void detectorSettings_keepDefaultCalibration() {
        assertThat(FmadPipeline.detectorSettings(FmadConfig.from(Map.of("encoder.model", AUTOENCODER))).calibratedZ())
                .isEqualTo(AnomalyScorer.DEFAULT_CALIBRATED_Z);
    }

    @Test
    void validateModel_otherNormalizationFails(@TempDir Path directory) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = FmadPipelineModelTest.class.getResourceAsStream(
                "/io/fmad/models/fmad-ts-ae/1/" + ModelDescriptor.FILE_NAME)) {
            properties.load(in);
        }
        properties.setProperty(ModelDescriptor.NORMALIZATION, "minmax-0-1");
        try (var out = Files.newOutputStream(directory.resolve(ModelDescriptor.FILE_NAME))) {
            properties.store(out, null);
        }
        FmadConfig config = FmadConfig.from(Map.of("encoder.model", directory.toString()));

        assertThatThrownBy(() -> FmadPipeline.validateModel(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'encoder.model'")
                .hasMessageContaining("normalization=minmax-0-1")
                .hasMessageContaining("normalization=key-zscore-clip10");
    }
}
