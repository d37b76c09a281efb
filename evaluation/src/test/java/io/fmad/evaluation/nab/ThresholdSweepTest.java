package io.fmad.evaluation.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ThresholdSweepTest {

    private static final double FN_WEIGHT = 1.0;

    // Rows: a false positive at 0.9, the first two rows of window 0 at 0.8, window 1 at 0.3, another false
    // positive at 0.1. Weights are made up so that each step is easy to add by hand.
    private static final double[] SCORES = {0.9, 0.8, 0.8, 0.3, 0.1};
    private static final double[] WEIGHTS = {-0.11, 1.0, 0.5, 0.9, -0.05};
    private static final int[] WINDOWS = {-1, 0, 0, 1, -1};

    private static ThresholdSweep sweep() {
        return ThresholdSweep.compute(SCORES, WEIGHTS, WINDOWS, FN_WEIGHT);
    }

    @Test
    void compute_entryPerDistinctScore() {
        ThresholdSweep sweep = sweep();

        assertThat(sweep.entries()).extracting(ThresholdScore::threshold).containsExactly(1.1, 0.9, 0.8, 0.3, 0.1);
        assertThat(sweep.entries()).extracting(ThresholdScore::score).usingComparatorForType(
                (a, b) -> Math.abs(a - b) < 1e-12 ? 0 : Double.compare(a, b), Double.class)
                .containsExactly(-2.0, -2.11, -0.11, 1.79, 1.74);
        assertThat(sweep.entry(0).counts()).isEqualTo(new Counts(0, 2, 0, 3));
        assertThat(sweep.entry(1).counts()).isEqualTo(new Counts(0, 1, 1, 3));
        assertThat(sweep.entry(2).counts()).isEqualTo(new Counts(2, 1, 1, 1));
        assertThat(sweep.entry(3).counts()).isEqualTo(new Counts(3, 1, 1, 0));
        assertThat(sweep.entry(4).counts()).isEqualTo(new Counts(3, 0, 2, 0));
    }

    @Test
    void best_highestScore() {
        ThresholdScore best = sweep().best();

        assertThat(best.threshold()).isEqualTo(0.3);
        assertThat(best.score()).isCloseTo(1.79, within(1e-12));
    }

    @Test
    void best_tieTakesHighestThreshold() {
        // The second detection of the window has a lower weight, so lowering the threshold to 0.5 changes nothing.
        ThresholdSweep sweep = ThresholdSweep.compute(
                new double[] {0.9, 0.5}, new double[] {1.0, 0.4}, new int[] {0, 0}, FN_WEIGHT);

        assertThat(sweep.entry(1).score()).isEqualTo(sweep.entry(2).score());
        assertThat(sweep.best().threshold()).isEqualTo(0.9);
    }

    @Test
    void at_exactThreshold() {
        assertThat(sweep().at(0.8).threshold()).isEqualTo(0.8);
    }

    @Test
    void at_betweenScoresDetectsRowsAbove() {
        ThresholdScore result = sweep().at(0.5);

        assertThat(result.threshold()).isEqualTo(0.8);
        assertThat(result.counts()).isEqualTo(new Counts(2, 1, 1, 1));
    }

    @Test
    void at_belowEveryScoreDetectsAll() {
        assertThat(sweep().at(0.0).counts()).isEqualTo(new Counts(3, 0, 2, 0));
    }

    @Test
    void at_aboveStartDetectsNothing() {
        assertThat(sweep().at(2.0).threshold()).isEqualTo(ThresholdSweep.START_THRESHOLD);
        assertThat(sweep().at(1.1).counts()).isEqualTo(new Counts(0, 2, 0, 3));
    }

    @Test
    void at_rejectsNaN() {
        assertThatThrownBy(() -> sweep().at(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void compute_noRows() {
        ThresholdSweep sweep = ThresholdSweep.compute(new double[0], new double[0], new int[0], FN_WEIGHT);

        assertThat(sweep.size()).isEqualTo(1);
        assertThat(sweep.best()).isEqualTo(new ThresholdScore(1.1, 0.0, Counts.ZERO));
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, 1.1, 2.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void compute_rejectsUnsweepableScore(double score) {
        assertThatThrownBy(() -> ThresholdSweep.compute(new double[] {0.5, score}, new double[2], new int[] {-1, -1}, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1");
    }

    @Test
    void compute_rejectsLengthMismatch() {
        assertThatThrownBy(() -> ThresholdSweep.compute(new double[2], new double[1], new int[2], 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("differ in length");
    }

    @Test
    void descendingStableOrder_keepsIndexOrderOnTies() {
        int[] order = ThresholdSweep.descendingStableOrder(new double[] {0.5, 0.9, 0.5, -0.0, 0.0, 0.9, -0.2});

        assertThat(order).containsExactly(1, 5, 0, 2, 3, 4, 6);
    }
}
