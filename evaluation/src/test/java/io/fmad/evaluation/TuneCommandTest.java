package io.fmad.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.Map;

class TuneCommandTest {

    @Test
    void parseVariant_splitsPairsButNotListValues() {
        Map<String, String> variant =
                TuneCommand.parseVariant("detector.signals=reconstruction,seasonal, detector.cooldown=100");

        assertThat(variant)
                .containsExactly(
                        Map.entry("detector.signals", "reconstruction,seasonal"),
                        Map.entry("detector.cooldown", "100"));
    }

    @Test
    void parseVariant_rejectsNonDetectorOption() {
        assertThatThrownBy(() -> TuneCommand.parseVariant("window.size=32"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only detector.* options can vary")
                .hasMessageContaining("--window.size");
    }

    @Test
    void parseVariant_rejectsPairWithoutValue() {
        assertThatThrownBy(() -> TuneCommand.parseVariant("detector.cooldown"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected OPTION=VALUE pairs");
    }
}
