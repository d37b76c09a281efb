package io.fmad.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.table.api.ValidationException;
import org.junit.jupiter.api.Test;

import java.util.Map;

class ScoreOptionsTest {

    @Test
    void defaults_matchJob() {
        ScoreOptions options = ScoreOptions.of(Map.of());

        assertThat(options.windowSize()).isEqualTo(64);
        assertThat(options.windowSlide()).isEqualTo(1);
        assertThat(options.detectorSettings().threshold()).isEqualTo(0.999);
        assertThat(options.descriptor().id()).isEqualTo("fmad-ts-fm");
    }

    @Test
    void detectorOption_applies() {
        ScoreOptions options = ScoreOptions.of(Map.of("detector.threshold", "0.99", "detector.rearm-below", "0.9"));

        assertThat(options.detectorSettings().threshold()).isEqualTo(0.99);
        assertThat(options.detectorSettings().rearmBelow()).isEqualTo(0.9);
    }

    @Test
    void kafkaOption_rejectedWithAcceptedKeys() {
        assertThatThrownBy(() -> ScoreOptions.of(Map.of("kafka.topic.metrics", "m")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[kafka.topic.metrics]")
                .hasMessageContaining("detector.threshold")
                .hasMessageContaining("encoder.model");
    }

    @Test
    void invalidThreshold_namesOptionAndValue() {
        assertThatThrownBy(() -> ScoreOptions.of(Map.of("detector.threshold", "1.5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("detector.threshold")
                .hasMessageContaining("1.5");
    }

    @Test
    void windowSizeOtherThanModels_rejected() {
        assertThatThrownBy(() -> ScoreOptions.of(Map.of("window.size", "32")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32");
    }

    @Test
    void missingModelDirectory_namesOption() {
        assertThatThrownBy(() -> ScoreOptions.of(Map.of("encoder.model", "/nonexistent/model")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoder.model")
                .hasMessageContaining("/nonexistent/model");
    }

    @Test
    void emit_parsesCaseInsensitively() {
        assertThat(FmadScoreFunction.parseEmit(null)).isEqualTo(FmadScoreFunction.Emit.ALL);
        assertThat(FmadScoreFunction.parseEmit("anomalies")).isEqualTo(FmadScoreFunction.Emit.ANOMALIES);
    }

    @Test
    void emit_rejectsUnknownValue() {
        assertThatThrownBy(() -> FmadScoreFunction.parseEmit("SOME"))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("'SOME'")
                .hasMessageContaining("emit")
                .hasMessageContaining("ANOMALIES");
    }
}
