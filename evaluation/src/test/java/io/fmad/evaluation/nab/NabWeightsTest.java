package io.fmad.evaluation.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NabWeightsTest {

    /** {@code 2 / (1 + e^-5) - 1}, the scaled sigmoid at a window's first row. */
    private static final double SIGMOID_AT_MINUS_ONE = 0.9866142981514305;

    private static final CostMatrix COSTS = new CostMatrix(1.0, 0.11, 2.0, 1.0);

    @Test
    void scaledSigmoid_knownPoints() {
        assertThat(NabWeights.MAX_TP).isEqualTo(SIGMOID_AT_MINUS_ONE);
        assertThat(NabWeights.scaledSigmoid(-1.0)).isEqualTo(SIGMOID_AT_MINUS_ONE);
        assertThat(NabWeights.scaledSigmoid(0.0)).isEqualTo(0.0);
        assertThat(NabWeights.scaledSigmoid(1.0)).isCloseTo(-SIGMOID_AT_MINUS_ONE, within(1e-15));
    }

    @Test
    void scaledSigmoid_clipsOnlyAboveThree() {
        assertThat(NabWeights.scaledSigmoid(3.0)).isEqualTo(2 / (1 + Math.exp(15)) - 1).isNotEqualTo(-1.0);
        assertThat(NabWeights.scaledSigmoid(3.0000001)).isEqualTo(-1.0);
    }

    @Test
    void weightedScores_followWindows() {
        // Window A is rows 5..9 (width 5), window B rows 14..16 (width 3).
        DataFile file = SyntheticCorpus.file("synthetic/weights.csv", 24, new AnomalyWindow(5, 9), new AnomalyWindow(14, 16));

        double[] weights = NabWeights.weightedScores(file, COSTS);

        for (int row = 0; row < 5; row++) {
            assertThat(weights[row]).as("row %d before any window", row).isEqualTo(-0.11);
        }
        assertThat(weights[5]).as("first row of a window").isEqualTo(1.0);
        assertThat(weights[9]).as("last row of window A").isEqualTo(NabWeights.scaledSigmoid(-1.0 / 5) / SIGMOID_AT_MINUS_ONE);
        assertThat(weights[10]).as("row after window A").isEqualTo(0.11 * NabWeights.scaledSigmoid(1.0 / 4));
        assertThat(weights[13]).as("one width minus one after window A").isCloseTo(-0.11 * SIGMOID_AT_MINUS_ONE, within(1e-15));
        assertThat(weights[14]).as("first row of window B").isEqualTo(1.0);
        assertThat(weights[17]).as("row after window B").isEqualTo(0.11 * NabWeights.scaledSigmoid(1.0 / 2));
        assertThat(weights[22]).as("position exactly 3").isEqualTo(0.11 * NabWeights.scaledSigmoid(3.0));
        assertThat(weights[23]).as("position past 3").isEqualTo(-0.11);
        for (int row = 5; row < 9; row++) {
            assertThat(weights[row]).as("weight falls inside window, row %d", row).isGreaterThan(weights[row + 1]);
        }
        assertThat(weights[9]).as("last window row stays positive").isPositive();
    }

    @Test
    void weightedScores_scaleWithTpWeight() {
        DataFile file = SyntheticCorpus.file("synthetic/weights.csv", 20, new AnomalyWindow(5, 9));

        double[] weights = NabWeights.weightedScores(file, new CostMatrix(2.0, 0.22, 1.0, 1.0));

        assertThat(weights[5]).isEqualTo(2.0);
        assertThat(weights[0]).isEqualTo(-0.22);
    }
}
