package io.fmad.modelbuilder;

/**
 * Errors of simple predictors on a {@link ForecastCorpus}, to put the model's held-out errors in
 * context. Every error is a mean squared error in the corpus's scale.
 */
final class ForecastBaselines {

  /** Shortest and longest period that the seasonal-naive forecast considers, in steps. */
  static final int MIN_PERIOD = 2;
  static final int MAX_PERIOD = 32;

  private ForecastBaselines() {
  }

  /** Returns the error of reconstructing every point by its window's mean. */
  static double windowMeanReconstructionMse(ForecastCorpus corpus) {
    int length = corpus.inputLength();
    double total = 0;
    for (int s = 0; s < corpus.sampleCount(); s++) {
      double mean = inputMean(corpus, s);
      for (int i = 0; i < length; i++) {
        double error = corpus.value(s, i) - mean;
        total += error * error;
      }
    }
    return total / ((double) corpus.sampleCount() * length);
  }

  /**
   * Returns the error, on masked points only, of filling each masked point with the mean of the
   * window's visible points. {@code masks} is row-major [samples, patches] with 1 for masked.
   */
  static double maskedVisibleMeanMse(ForecastCorpus corpus, float[] masks, int patchLength) {
    int length = corpus.inputLength();
    int patches = length / patchLength;
    double total = 0;
    long points = 0;
    for (int s = 0; s < corpus.sampleCount(); s++) {
      double sum = 0;
      int visible = 0;
      for (int i = 0; i < length; i++) {
        if (masks[s * patches + i / patchLength] == 0) {
          sum += corpus.value(s, i);
          visible++;
        }
      }
      double mean = sum / visible;
      for (int i = 0; i < length; i++) {
        if (masks[s * patches + i / patchLength] != 0) {
          double error = corpus.value(s, i) - mean;
          total += error * error;
          points++;
        }
      }
    }
    return total / points;
  }

  /**
   * Returns the error, on masked points only, of linear interpolation between the nearest visible
   * points on each side. Masked points at an edge of the window take the nearest visible value.
   */
  static double maskedLinearInterpolationMse(ForecastCorpus corpus, float[] masks,
      int patchLength) {
    int length = corpus.inputLength();
    int patches = length / patchLength;
    double total = 0;
    long points = 0;
    for (int s = 0; s < corpus.sampleCount(); s++) {
      for (int i = 0; i < length; i++) {
        if (masks[s * patches + i / patchLength] == 0) {
          continue;
        }
        int left = i - 1;
        while (left >= 0 && masks[s * patches + left / patchLength] != 0) {
          left--;
        }
        int right = i + 1;
        while (right < length && masks[s * patches + right / patchLength] != 0) {
          right++;
        }
        double estimate;
        if (left < 0) {
          estimate = corpus.value(s, right);
        } else if (right >= length) {
          estimate = corpus.value(s, left);
        } else {
          double weight = (double) (i - left) / (right - left);
          estimate = (1 - weight) * corpus.value(s, left) + weight * corpus.value(s, right);
        }
        double error = corpus.value(s, i) - estimate;
        total += error * error;
        points++;
      }
    }
    return total / points;
  }

  /** Returns the forecast error of repeating the window's last value. */
  static double lastValueForecastMse(ForecastCorpus corpus) {
    double total = 0;
    for (int s = 0; s < corpus.sampleCount(); s++) {
      double last = corpus.value(s, corpus.inputLength() - 1);
      total += forecastSquaredError(corpus, s, h -> last);
    }
    return total / ((double) corpus.sampleCount() * corpus.horizon());
  }

  /** Returns the forecast error of predicting the window's mean. */
  static double windowMeanForecastMse(ForecastCorpus corpus) {
    double total = 0;
    for (int s = 0; s < corpus.sampleCount(); s++) {
      double mean = inputMean(corpus, s);
      total += forecastSquaredError(corpus, s, h -> mean);
    }
    return total / ((double) corpus.sampleCount() * corpus.horizon());
  }

  /**
   * Returns the forecast error of seasonal naive: each future point repeats the point one period
   * earlier, with the period chosen per window as the lag from {@value #MIN_PERIOD} to
   * {@value #MAX_PERIOD} with the highest autocorrelation. A window without variation repeats
   * its last value.
   */
  static double seasonalNaiveForecastMse(ForecastCorpus corpus) {
    int length = corpus.inputLength();
    double total = 0;
    for (int s = 0; s < corpus.sampleCount(); s++) {
      int period = bestPeriod(corpus, s);
      int sample = s;
      total += forecastSquaredError(corpus, s, h -> {
        // Steps back by whole periods until the point lies inside the window.
        int source = length + h - period * (h / period + 1);
        return corpus.value(sample, source);
      });
    }
    return total / ((double) corpus.sampleCount() * corpus.horizon());
  }

  /** Returns the lag with the highest autocorrelation, or 1 for a window without variation. */
  static int bestPeriod(ForecastCorpus corpus, int sample) {
    int length = corpus.inputLength();
    double mean = inputMean(corpus, sample);
    double variance = 0;
    for (int i = 0; i < length; i++) {
      double centered = corpus.value(sample, i) - mean;
      variance += centered * centered;
    }
    if (variance <= 1e-12) {
      return 1;
    }
    int best = MIN_PERIOD;
    double bestCorrelation = Double.NEGATIVE_INFINITY;
    for (int lag = MIN_PERIOD; lag <= Math.min(MAX_PERIOD, length - 1); lag++) {
      double covariance = 0;
      for (int i = lag; i < length; i++) {
        covariance += (corpus.value(sample, i) - mean) * (corpus.value(sample, i - lag) - mean);
      }
      double correlation = covariance / variance;
      if (correlation > bestCorrelation) {
        bestCorrelation = correlation;
        best = lag;
      }
    }
    return best;
  }

  private interface Forecast {
    double at(int step);
  }

  private static double forecastSquaredError(ForecastCorpus corpus, int sample,
      Forecast forecast) {
    double total = 0;
    for (int h = 0; h < corpus.horizon(); h++) {
      double error = corpus.value(sample, corpus.inputLength() + h) - forecast.at(h);
      total += error * error;
    }
    return total;
  }

  private static double inputMean(ForecastCorpus corpus, int sample) {
    double sum = 0;
    for (int i = 0; i < corpus.inputLength(); i++) {
      sum += corpus.value(sample, i);
    }
    return sum / corpus.inputLength();
  }
}
