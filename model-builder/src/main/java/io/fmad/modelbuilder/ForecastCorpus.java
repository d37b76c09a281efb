package io.fmad.modelbuilder;

import java.util.Random;

/**
 * Samples of an input window followed by its forecast target, cut from synthetic series and
 * stored row-major in one array.
 *
 * <p>Each series comes from {@link KernelSynthGenerator} or, with probability
 * {@link #OPERATIONAL_SHARE}, from {@link SeriesGenerator}. It is z-scored with its own mean and
 * standard deviation and clipped to ±{@link SyntheticCorpus#CLIP}, as the streaming job
 * normalizes a key by its long-run statistics. Sample {@code w} of a series starts at step
 * {@code w * inputLength}, so the inputs of one series do not overlap and each target is the
 * start of the next sample's input.
 *
 * @param values {@code sampleCount * sampleLength()} values, sample after sample
 * @param sampleCount number of samples
 * @param inputLength values per input window
 * @param horizon values per forecast target, which follow the input window
 * @param seriesCount number of series the samples were cut from
 */
record ForecastCorpus(float[] values, int sampleCount, int inputLength, int horizon,
    int seriesCount) {

  /** Share of series drawn from {@link SeriesGenerator}. The rest come from KernelSynth. */
  static final double OPERATIONAL_SHARE = 0.5;

  /**
   * Generates {@code seriesCount} series of {@code samplesPerSeries * inputLength + horizon}
   * steps each. The same arguments always give the same corpus.
   */
  static ForecastCorpus generate(long seed, int seriesCount, int samplesPerSeries,
      int inputLength, int horizon) {
    if (seriesCount <= 0 || samplesPerSeries <= 0 || inputLength <= 0 || horizon <= 0) {
      throw new IllegalArgumentException("seriesCount, samplesPerSeries, inputLength and horizon"
          + " must be positive, got " + seriesCount + ", " + samplesPerSeries + ", "
          + inputLength + ", " + horizon);
    }
    int seriesLength = samplesPerSeries * inputLength + horizon;
    int sampleLength = inputLength + horizon;
    int sampleCount = Math.multiplyExact(seriesCount, samplesPerSeries);
    float[] values = new float[Math.multiplyExact(sampleCount, sampleLength)];
    Random random = new Random(seed);
    SeriesGenerator operational = new SeriesGenerator(random);
    KernelSynthGenerator kernelSynth = new KernelSynthGenerator(random);

    for (int s = 0; s < seriesCount; s++) {
      double[] series = random.nextDouble() < OPERATIONAL_SHARE
          ? operational.next(seriesLength)
          : kernelSynth.next(seriesLength);
      SyntheticCorpus.normalizeAndClip(series);
      for (int w = 0; w < samplesPerSeries; w++) {
        int target = (s * samplesPerSeries + w) * sampleLength;
        int start = w * inputLength;
        for (int i = 0; i < sampleLength; i++) {
          values[target + i] = (float) series[start + i];
        }
      }
    }
    return new ForecastCorpus(values, sampleCount, inputLength, horizon, seriesCount);
  }

  /** Values per sample: the input window and then the forecast target. */
  int sampleLength() {
    return inputLength + horizon;
  }

  /** Copies the input window of sample {@code index} into row {@code row} of {@code target}. */
  void copyInput(int index, float[] target, int row) {
    System.arraycopy(values, index * sampleLength(), target, row * inputLength, inputLength);
  }

  /** Copies the forecast target of sample {@code index} into row {@code row} of {@code target}. */
  void copyTarget(int index, float[] target, int row) {
    System.arraycopy(values, index * sampleLength() + inputLength, target, row * horizon,
        horizon);
  }

  /** Returns value {@code i} of sample {@code index}; inputs are 0 to inputLength - 1. */
  float value(int index, int i) {
    return values[index * sampleLength() + i];
  }
}
