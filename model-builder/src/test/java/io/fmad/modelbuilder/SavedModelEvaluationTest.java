package io.fmad.modelbuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SavedModelEvaluationTest {

  private static final ForecastCorpus CORPUS = ForecastCorpus.generate(3, 50, 4, 64, 8);

  /** Embeds and reconstructs each window as itself, without a forecast. */
  private static final SavedModelEvaluation.Encoder IDENTITY =
      (windows, rows) -> new float[][] {windows.clone(), windows.clone(), null};

  @Test
  void evaluate_identityEncoderHasNoReconstructionError() {
    SavedModelEvaluation.Evaluation evaluation =
        SavedModelEvaluation.evaluate(IDENTITY, CORPUS, 1);

    assertThat(evaluation.reconstructionMse()).isZero();
    assertThat(evaluation.forecastMse()).isNaN();
  }

  @Test
  void evaluate_identityEncoderNoiseDistanceMatchesNoiseScale() {
    SavedModelEvaluation.Evaluation evaluation =
        SavedModelEvaluation.evaluate(IDENTITY, CORPUS, 1);

    // Two copies with independent noise of deviation s differ by about s * sqrt(2 * 64) in 64
    // dimensions, so the ratio times the mean distance between windows recovers that.
    double expectedNoiseDistance = SavedModelEvaluation.NOISE_STD_DEV * Math.sqrt(2.0 * 64);
    assertThat(evaluation.embeddingNoiseRatio() * meanDistanceBetweenWindows())
        .isCloseTo(expectedNoiseDistance, within(0.03 * expectedNoiseDistance));
  }

  @Test
  void evaluate_countsQuietWindows() {
    int quiet = 0;
    for (int sample = 0; sample < CORPUS.sampleCount(); sample++) {
      if (stdDev(window(sample)) < SavedModelEvaluation.QUIET_STD_DEV) {
        quiet++;
      }
    }

    SavedModelEvaluation.Evaluation evaluation =
        SavedModelEvaluation.evaluate(IDENTITY, CORPUS, 1);

    assertThat(quiet).isPositive();
    assertThat(evaluation.quietWindows()).isEqualTo(quiet);
  }

  @Test
  void evaluate_constantEmbeddingGivesUndefinedRatio() {
    SavedModelEvaluation.Encoder constant = (windows, rows) ->
        new float[][] {new float[rows * 4], windows.clone(), new float[rows * 8]};

    SavedModelEvaluation.Evaluation evaluation =
        SavedModelEvaluation.evaluate(constant, CORPUS, 1);

    assertThat(evaluation.embeddingNoiseRatio()).isNaN();
    assertThat(evaluation.forecastMse()).isPositive();
  }

  private static double meanDistanceBetweenWindows() {
    int samples = CORPUS.sampleCount();
    double sum = 0;
    for (int i = 0; i < samples; i++) {
      float[] first = window(i);
      float[] second = window((i + samples / 2) % samples);
      double squares = 0;
      for (int t = 0; t < first.length; t++) {
        squares += (first[t] - second[t]) * (first[t] - second[t]);
      }
      sum += Math.sqrt(squares);
    }
    return sum / samples;
  }

  private static float[] window(int sample) {
    float[] window = new float[CORPUS.inputLength()];
    CORPUS.copyInput(sample, window, 0);
    return window;
  }

  private static double stdDev(float[] values) {
    double mean = 0;
    for (float value : values) {
      mean += value;
    }
    mean /= values.length;
    double squares = 0;
    for (float value : values) {
      squares += (value - mean) * (value - mean);
    }
    return Math.sqrt(squares / values.length);
  }
}
