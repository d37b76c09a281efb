package io.fmad.modelbuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class ForecastBaselinesTest {

  private static final int LENGTH = 64;
  private static final int HORIZON = 8;

  /** One sample of 64 inputs and 8 targets, given as a function of the step. */
  private static ForecastCorpus corpusOf(IntToDoubleFunction series) {
    float[] values = new float[LENGTH + HORIZON];
    for (int t = 0; t < values.length; t++) {
      values[t] = (float) series.applyAsDouble(t);
    }
    return new ForecastCorpus(values, 1, LENGTH, HORIZON, 1);
  }

  @Test
  void seasonalNaive_repeatsDetectedPeriodExactly() {
    ForecastCorpus corpus = corpusOf(t -> new double[] {0, 3, -1, 2, 5}[t % 5]);

    assertThat(ForecastBaselines.bestPeriod(corpus, 0)).isEqualTo(5);
    assertThat(ForecastBaselines.seasonalNaiveForecastMse(corpus)).isZero();
  }

  @Test
  void seasonalNaive_constantWindowRepeatsLastValue() {
    ForecastCorpus corpus = corpusOf(t -> t < LENGTH ? 2 : 4);

    assertThat(ForecastBaselines.bestPeriod(corpus, 0)).isEqualTo(1);
    assertThat(ForecastBaselines.seasonalNaiveForecastMse(corpus)).isCloseTo(4, within(1e-9));
  }

  @Test
  void lastValueAndWindowMean_onRamp() {
    ForecastCorpus corpus = corpusOf(t -> t);

    // Last value 63 against targets 64..71: errors 1..8, mean square 204 / 8.
    assertThat(ForecastBaselines.lastValueForecastMse(corpus)).isCloseTo(25.5, within(1e-9));
    // Window mean 31.5 against targets 64..71: errors 32.5..39.5.
    double expected = 0;
    for (int h = 0; h < HORIZON; h++) {
      expected += Math.pow(32.5 + h, 2);
    }
    assertThat(ForecastBaselines.windowMeanForecastMse(corpus))
        .isCloseTo(expected / HORIZON, within(1e-9));
  }

  @Test
  void maskedBaselines_onRamp() {
    ForecastCorpus corpus = corpusOf(t -> t);
    float[] masks = new float[8];
    masks[0] = 1;
    masks[3] = 1;

    // Interpolation fills interior patch 3 exactly. Edge patch 0 takes the value 8 for points 0..7.
    double edgeError = 0;
    for (int i = 0; i < 8; i++) {
      edgeError += Math.pow(8 - i, 2);
    }
    assertThat(ForecastBaselines.maskedLinearInterpolationMse(corpus, masks, 8))
        .isCloseTo(edgeError / 16, within(1e-9));
    assertThat(ForecastBaselines.maskedVisibleMeanMse(corpus, masks, 8)).isPositive();
  }

  @Test
  void windowMeanReconstruction_isWindowVariance() {
    ForecastCorpus corpus = corpusOf(t -> t % 2 == 0 ? 1 : -1);

    assertThat(ForecastBaselines.windowMeanReconstructionMse(corpus)).isCloseTo(1, within(1e-9));
  }
}
