package io.fmad.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NearestNeighborScorerTest {

    /** Reference values of erfc, to 10 significant digits. */
    @ParameterizedTest
    @CsvSource({
        "0.0, 1.0",
        "0.5, 0.4795001222",
        "1.0, 0.1572992071",
        "2.0, 0.0046777350",
        "3.0, 0.0000220905",
        "-1.0, 1.8427007929",
    })
    void erfc_matchesReference(double x, double expected) {
        double actual = NearestNeighborScorer.erfc(x);

        assertThat(actual).isCloseTo(expected, within(Math.abs(expected) * 2e-7 + 1e-12));
    }

    @ParameterizedTest
    @CsvSource({"0.0, 0.5", "1.6448536, 0.95", "3.0902323, 0.999", "-1.6448536, 0.05"})
    void standardNormalCdf_matchesQuantiles(double z, double expected) {
        assertThat(NearestNeighborScorer.standardNormalCdf(z)).isCloseTo(expected, within(1e-6));
    }
}
