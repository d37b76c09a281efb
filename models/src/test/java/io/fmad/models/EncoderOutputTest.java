package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EncoderOutputTest {

    @Test
    void twoArgumentConstructor_hasNoForecasts() {
        EncoderOutput output = new EncoderOutput(new float[2][16], new float[2][64]);

        assertThat(output.size()).isEqualTo(2);
        assertThat(output.hasReconstructions()).isTrue();
        assertThat(output.hasForecasts()).isFalse();
        assertThat(output.forecasts()).isNull();
    }

    @Test
    void constructor_keepsForecasts() {
        float[][] forecasts = new float[2][8];

        EncoderOutput output = new EncoderOutput(new float[2][16], null, forecasts);

        assertThat(output.hasReconstructions()).isFalse();
        assertThat(output.hasForecasts()).isTrue();
        assertThat(output.forecasts()).isSameAs(forecasts);
    }

    @Test
    void constructor_rejectsForecastRowCountMismatch() {
        assertThatThrownBy(
                        () -> new EncoderOutput(new float[2][16], new float[2][64], new float[3][8]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Got 2 embeddings but 3 forecasts; expected one of each per window");
    }

    @Test
    void constructor_rejectsReconstructionRowCountMismatch() {
        assertThatThrownBy(() -> new EncoderOutput(new float[2][16], new float[1][64]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Got 2 embeddings but 1 reconstructions; expected one of each per window");
    }
}
