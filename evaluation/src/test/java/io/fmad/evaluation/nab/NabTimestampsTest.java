package io.fmad.evaluation.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NabTimestampsTest {

    @Test
    void parse_rowTimestamp() {
        assertThat(NabTimestamps.parse("2014-07-01 00:30:05")).isEqualTo(LocalDateTime.of(2014, 7, 1, 0, 30, 5));
    }

    @Test
    void parse_labelTimestampWithFraction() {
        assertThat(NabTimestamps.parse("2013-12-10 06:25:00.000000")).isEqualTo(LocalDateTime.of(2013, 12, 10, 6, 25));
        assertThat(NabTimestamps.parse("2013-12-10 06:25:00.5")).isEqualTo(LocalDateTime.of(2013, 12, 10, 6, 25, 0, 500_000_000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2014-07-01", "2014-07-01T00:30:05", "2014-07-01 00:30:5x", "2014-13-01 00:00:00",
        "2014-07-01 00:30:05.", "2014-07-01 00:30:05,0", "2014-07-01 00:30:05.1234567890"})
    void parse_rejectsInvalid(String text) {
        assertThatThrownBy(() -> NabTimestamps.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid NAB timestamp");
    }

    @Test
    void format_dropsFraction() {
        assertThat(NabTimestamps.format(LocalDateTime.of(2014, 7, 1, 0, 30, 5, 1000))).isEqualTo("2014-07-01 00:30:05");
    }
}
