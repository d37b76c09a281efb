package io.fmad.modelbuilder;

import java.util.Arrays;
import java.util.Random;

/**
 * Generates one raw synthetic metric series at a time: a sum of trend, seasonal, noise, regime
 * change and spike components with randomly drawn shapes and magnitudes.
 *
 * <p>Time steps stand for 5-minute samples, so a period of 288 steps is one day. Values are in
 * arbitrary units because {@link SyntheticCorpus} z-scores each series afterwards. Only relative
 * magnitudes matter, such as the signal-to-noise ratio or a spike's height over the noise.
 *
 * <p>Output depends only on the state of the {@link Random} passed in, so a fixed seed gives the
 * same series on every JVM: {@code java.util.Random} has a specified algorithm, and transcendental
 * functions use {@link StrictMath}, because {@link Math} does not promise bit-for-bit identical
 * results across implementations.
 */
final class SeriesGenerator {

  /** Steps per day at a 5-minute sampling interval. */
  static final int DAILY_PERIOD = 288;

  /** Periods, in steps, of operational cycles: weekly, daily, 12 h, 8 h, 6 h, 4 h, 2 h, 1 h. */
  private static final int[] CALENDAR_PERIODS = {2016, 288, 144, 96, 72, 48, 24, 12};

  private final Random random;

  SeriesGenerator(Random random) {
    this.random = random;
  }

  /** Generates one raw series of {@code length} steps. */
  double[] next(int length) {
    double[] series = new double[length];
    double noiseScale = logUniform(0.02, 1.5);

    addTrend(series);
    addSeasonalities(series);
    addNoise(series, noiseScale);
    addLevelShifts(series, noiseScale);
    addSpikes(series, noiseScale);
    applyMeasurementEffects(series);
    return series;
  }

  private void addTrend(double[] series) {
    int n = series.length;
    double kind = random.nextDouble();
    if (kind < 0.35) {
      return;
    }
    double totalChange = random.nextGaussian() * logUniform(0.1, 5.0);
    if (kind < 0.75) {
      for (int t = 0; t < n; t++) {
        series[t] += totalChange * t / n;
      }
    } else if (kind < 0.92) {
      // Piecewise linear: the slope changes at one or two random breakpoints.
      int breakpoints = 1 + random.nextInt(2);
      double slope = totalChange / n;
      double value = 0;
      int nextBreak = random.nextInt(n);
      for (int t = 0; t < n; t++) {
        if (t == nextBreak && breakpoints > 0) {
          slope = random.nextGaussian() * Math.abs(totalChange) / n;
          breakpoints--;
          nextBreak = t + 1 + random.nextInt(Math.max(1, n - t - 1));
        }
        value += slope;
        series[t] += value;
      }
    } else {
      // Saturating growth, as in a cache warming up or a backlog draining.
      double timeConstant = n * logUniform(0.05, 1.0);
      for (int t = 0; t < n; t++) {
        series[t] += totalChange * (1 - StrictMath.exp(-t / timeConstant));
      }
    }
  }

  private void addSeasonalities(double[] series) {
    // 0, 1, 2 or 3 seasonal components with probabilities 0.15, 0.40, 0.30 and 0.15.
    double draw = random.nextDouble();
    int count = 3;
    if (draw < 0.15) {
      count = 0;
    } else if (draw < 0.55) {
      count = 1;
    } else if (draw < 0.85) {
      count = 2;
    }
    for (int i = 0; i < count; i++) {
      double period = random.nextDouble() < 0.75
          ? CALENDAR_PERIODS[random.nextInt(CALENDAR_PERIODS.length)]
          : 6 + random.nextDouble() * 394;
      addSeasonality(series, period, logUniform(0.1, 3.0));
    }
  }

  private void addSeasonality(double[] series, double period, double amplitude) {
    double phase = random.nextDouble() * 2 * Math.PI;
    double shape = random.nextDouble();
    double sharpness = 1 + random.nextDouble() * 6;
    double secondHarmonic = random.nextGaussian() * 0.5;
    double thirdHarmonic = random.nextGaussian() * 0.3;
    // Slow amplitude drift, for example busier weekdays, on a fifth of the seasonal components.
    double modulation = random.nextDouble() < 0.2 ? random.nextDouble() * 0.5 : 0;
    double modulationPeriod = period * (3 + random.nextDouble() * 5);

    for (int t = 0; t < series.length; t++) {
      double angle = 2 * Math.PI * t / period + phase;
      double value;
      if (shape < 0.45) {
        value = StrictMath.sin(angle);
      } else if (shape < 0.65) {
        value = StrictMath.sin(angle) + secondHarmonic * StrictMath.sin(2 * angle)
            + thirdHarmonic * StrictMath.sin(3 * angle);
      } else if (shape < 0.8) {
        // Smoothed square wave: on/off plateaus such as business hours.
        value = StrictMath.tanh(sharpness * StrictMath.sin(angle));
      } else if (shape < 0.9) {
        // Sawtooth: linear ramp that resets once per period, such as a periodic batch job.
        double cycle = angle / (2 * Math.PI);
        value = 2 * (cycle - Math.floor(cycle)) - 1;
      } else {
        // One narrow peak per period, such as a daily cron job or a traffic peak.
        value = StrictMath.exp(sharpness * (StrictMath.cos(angle) - 1)) * 2 - 1;
      }
      double envelope = 1 + modulation * StrictMath.sin(2 * Math.PI * t / modulationPeriod);
      series[t] += amplitude * envelope * value;
    }
  }

  private void addNoise(double[] series, double noiseScale) {
    int n = series.length;
    double[] stdDev = new double[n];
    Arrays.fill(stdDev, noiseScale);

    // Variance change: from a random step on, the noise is scaled by a factor of 1/4 to 4.
    if (random.nextDouble() < 0.2) {
      int start = random.nextInt(n);
      double factor = logUniform(0.25, 4.0);
      for (int t = start; t < n; t++) {
        stdDev[t] *= factor;
      }
    }

    double kind = random.nextDouble();
    double arCoefficient = 0.5 + random.nextDouble() * 0.45;
    double arState = 0;
    for (int t = 0; t < n; t++) {
      double sample;
      if (kind < 0.4) {
        sample = random.nextGaussian();
      } else if (kind < 0.6) {
        sample = laplace();
      } else if (kind < 0.75) {
        sample = studentT3();
      } else {
        // AR(1) scaled to unit stationary variance.
        arState = arCoefficient * arState
            + Math.sqrt(1 - arCoefficient * arCoefficient) * random.nextGaussian();
        sample = arState;
      }
      series[t] += stdDev[t] * sample;
    }

    // Random walk on a quarter of the series: drift that no trend or seasonality explains.
    if (random.nextDouble() < 0.25) {
      double stepStdDev = noiseScale * logUniform(0.05, 0.5);
      double walk = 0;
      for (int t = 0; t < n; t++) {
        walk += stepStdDev * random.nextGaussian();
        series[t] += walk;
      }
    }
  }

  /** Adds, with probability 0.3, one to three level shifts. A third of the shifts revert. */
  void addLevelShifts(double[] series, double noiseScale) {
    if (random.nextDouble() >= 0.3) {
      return;
    }
    int shifts = 1 + random.nextInt(3);
    for (int i = 0; i < shifts; i++) {
      int start = random.nextInt(series.length);
      double size = random.nextGaussian() * (noiseScale + 0.5) * (2 + random.nextDouble() * 4);
      // A third of the shifts revert after a while, like an incident that gets resolved.
      int end = random.nextDouble() < 0.33
          ? Math.min(series.length, start + 1 + random.nextInt(series.length / 4))
          : series.length;
      for (int t = start; t < end; t++) {
        series[t] += size;
      }
    }
  }

  /** Adds, with probability 0.3, one to five spikes of 1 to 3 steps. */
  void addSpikes(double[] series, double noiseScale) {
    if (random.nextDouble() >= 0.3) {
      return;
    }
    int spikes = 1 + random.nextInt(5);
    for (int i = 0; i < spikes; i++) {
      int start = random.nextInt(series.length);
      int width = 1 + random.nextInt(3);
      double sign = random.nextDouble() < 0.8 ? 1 : -1;
      double height = sign * (noiseScale + 0.3) * (3 + random.nextDouble() * 7);
      for (int t = start; t < Math.min(series.length, start + width); t++) {
        series[t] += height;
      }
    }
  }

  /** Applies effects of how metrics are collected: counters, floors and stuck sensors. */
  private void applyMeasurementEffects(double[] series) {
    int n = series.length;
    if (random.nextDouble() < 0.1) {
      // Integer counts: quantize to a step of 1/4 to 1/40 of the series' range.
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double value : series) {
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
      double step = Math.max(1e-9, (max - min) / (4 + random.nextInt(37)));
      for (int t = 0; t < n; t++) {
        series[t] = Math.round(series[t] / step) * step;
      }
    }
    if (random.nextDouble() < 0.1) {
      // Floor at a low quantile, as for utilization or queue length that cannot go below zero.
      double[] sorted = series.clone();
      Arrays.sort(sorted);
      double floor = sorted[(int) (n * random.nextDouble() * 0.3)];
      for (int t = 0; t < n; t++) {
        series[t] = Math.max(series[t], floor);
      }
    }
    if (random.nextDouble() < 0.05) {
      // Stuck sensor: the last value repeats for up to two windows' worth of steps.
      int start = random.nextInt(n);
      int end = Math.min(n, start + 1 + random.nextInt(128));
      for (int t = start + 1; t < end; t++) {
        series[t] = series[start];
      }
    }
  }

  private double logUniform(double min, double max) {
    double logMin = StrictMath.log(min);
    return StrictMath.exp(logMin + random.nextDouble() * (StrictMath.log(max) - logMin));
  }

  /** Laplace sample scaled to unit variance. */
  private double laplace() {
    double u = random.nextDouble() - 0.5;
    double magnitude = -StrictMath.log(Math.max(1e-12, 1 - 2 * Math.abs(u)));
    return Math.signum(u) * magnitude / Math.sqrt(2);
  }

  /** Student-t sample with 3 degrees of freedom, scaled to unit variance (the variance is 3). */
  private double studentT3() {
    double chiSquare = 0;
    for (int i = 0; i < 3; i++) {
      double z = random.nextGaussian();
      chiSquare += z * z;
    }
    return random.nextGaussian() / Math.sqrt(chiSquare / 3) / Math.sqrt(3);
  }
}
