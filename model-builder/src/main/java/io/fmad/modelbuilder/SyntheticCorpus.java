package io.fmad.modelbuilder;

import java.util.Random;

/**
 * Normalized, clipped windows cut from synthetic series, stored row-major in one array.
 *
 * <p>Each series is z-scored with its own global mean and standard deviation, then cut into
 * non-overlapping windows. The windows therefore keep the varying offsets and scales that the
 * streaming job produces when it normalizes a key's window by that key's long-run statistics.
 *
 * @param windows {@code windowCount * windowLength} values, window after window
 * @param windowCount number of windows
 * @param windowLength values per window
 * @param seriesCount number of series the windows were cut from
 */
record SyntheticCorpus(float[] windows, int windowCount, int windowLength, int seriesCount) {

  /** Absolute bound applied to every normalized value, as the streaming job does. */
  static final float CLIP = 10f;

  /**
   * Generates {@code seriesCount} series of {@code windowsPerSeries * windowLength} steps each.
   * The same arguments always give the same corpus.
   */
  static SyntheticCorpus generate(long seed, int seriesCount, int windowsPerSeries,
      int windowLength) {
    if (seriesCount <= 0 || windowsPerSeries <= 0 || windowLength <= 0) {
      throw new IllegalArgumentException("seriesCount, windowsPerSeries and windowLength must be"
          + " positive, got " + seriesCount + ", " + windowsPerSeries + ", " + windowLength);
    }
    int seriesLength = windowsPerSeries * windowLength;
    int windowCount = Math.multiplyExact(seriesCount, windowsPerSeries);
    float[] windows = new float[Math.multiplyExact(windowCount, windowLength)];
    SeriesGenerator generator = new SeriesGenerator(new Random(seed));

    for (int s = 0; s < seriesCount; s++) {
      double[] series = generator.next(seriesLength);
      normalizeAndClip(series);
      int offset = s * seriesLength;
      for (int t = 0; t < seriesLength; t++) {
        windows[offset + t] = (float) series[t];
      }
    }
    return new SyntheticCorpus(windows, windowCount, windowLength, seriesCount);
  }

  /**
   * Z-scores {@code series} in place with its population mean and standard deviation, then clips
   * to [-{@link #CLIP}, {@link #CLIP}]. A constant series becomes all zeros.
   */
  static void normalizeAndClip(double[] series) {
    double mean = 0;
    for (double value : series) {
      mean += value;
    }
    mean /= series.length;
    double variance = 0;
    for (double value : series) {
      variance += (value - mean) * (value - mean);
    }
    double stdDev = Math.sqrt(variance / series.length);
    double scale = stdDev > 1e-12 ? 1 / stdDev : 0;
    for (int t = 0; t < series.length; t++) {
      double z = (series[t] - mean) * scale;
      series[t] = Math.max(-CLIP, Math.min(CLIP, z));
    }
  }

  /** Copies window {@code index} into {@code target} at row {@code row}. */
  void copyWindow(int index, float[] target, int row) {
    System.arraycopy(windows, index * windowLength, target, row * windowLength, windowLength);
  }

  /**
   * Returns the mean squared error of predicting every value by its window's mean, which is the
   * mean within-window variance. It is the error of a model that reconstructs only the level.
   */
  double windowMeanBaselineMse() {
    double total = 0;
    for (int w = 0; w < windowCount; w++) {
      int offset = w * windowLength;
      double mean = 0;
      for (int i = 0; i < windowLength; i++) {
        mean += windows[offset + i];
      }
      mean /= windowLength;
      for (int i = 0; i < windowLength; i++) {
        double error = windows[offset + i] - mean;
        total += error * error;
      }
    }
    return total / ((double) windowCount * windowLength);
  }
}
