package io.fmad.modelbuilder;

import java.util.Arrays;
import java.util.Random;

/**
 * Generates series in the manner of KernelSynth, the synthetic data of Chronos (Ansari et al.,
 * "Chronos: Learning the Language of Time Series", 2024, script {@code scripts/kernel-synth.py}
 * of amazon-science/chronos-forecasting): a random function drawn from a Gaussian process whose
 * kernel combines one to five base kernels, each joined to the next by a sum or a product with
 * equal probability.
 *
 * <p>KernelSynth draws from a bank of 33 kernels, 21 of them periodic. Here each component picks
 * one of six kernel types with equal probability, and draws its period or lengthscale itself.
 *
 * <p>Instead of a Cholesky factorization, which costs O(n³) per series, each base component is
 * drawn directly as a random function with that kernel's covariance:
 *
 * <ul>
 *   <li>constant: one Gaussian value;
 *   <li>linear: a line with Gaussian slope through a random point, the sample paths of a linear
 *       kernel;
 *   <li>white noise: independent Gaussian values;
 *   <li>RBF: {@value #FOURIER_FEATURES} random Fourier features with Gaussian frequencies of
 *       standard deviation 1/lengthscale, whose covariance tends to the RBF kernel;
 *   <li>rational quadratic: random Fourier features with a lengthscale of their own each, a scale
 *       mixture of RBF kernels (here log-uniform, not the Gamma mixture of the exact kernel);
 *   <li>periodic: harmonics of the period with Gaussian amplitudes whose variances fall
 *       geometrically, like the spectrum of an exp-sine-squared kernel.
 * </ul>
 *
 * <p>A sum of independent components has the sum of their kernels as covariance, and a product
 * has the product, so combining samples follows the kernel algebra of KernelSynth (products of
 * samples are not Gaussian, but have the product kernel as covariance). After composition the
 * series is scaled to unit standard deviation, and 30 % of the series get the level shifts and
 * 30 % the spikes of {@link SeriesGenerator}, which a Gaussian process does not produce.
 *
 * <p>Output depends only on the {@link Random} passed in: sines and cosines advance by a rotation
 * recurrence, which uses only IEEE 754 multiplications and additions, so no result depends on
 * the JVM's {@link Math} implementation.
 */
final class KernelSynthGenerator {

  /** Largest number of base components in one composition, as in KernelSynth. */
  static final int MAX_COMPONENTS = 5;
  /** Random Fourier features per RBF or rational-quadratic component. */
  static final int FOURIER_FEATURES = 16;
  /** Harmonics per periodic component. */
  private static final int HARMONICS = 6;
  /** Periods, in steps of 5 minutes, of the periodic kernels: a week to 10 minutes. */
  private static final int[] PERIODS = {2016, 288, 144, 96, 72, 48, 24, 12, 6, 4, 2};

  /** Noise scale passed to the level shifts and spikes of a unit-variance series. */
  private static final double ANOMALY_NOISE_SCALE = 0.3;

  private enum Kernel {
    CONSTANT,
    LINEAR,
    WHITE_NOISE,
    RBF,
    RATIONAL_QUADRATIC,
    PERIODIC
  }

  private static final Kernel[] KERNELS = Kernel.values();

  private final Random random;
  private final SeriesGenerator anomalies;

  KernelSynthGenerator(Random random) {
    this.random = random;
    this.anomalies = new SeriesGenerator(random);
  }

  /** Generates one raw series of {@code length} steps. */
  double[] next(int length) {
    int components = 1 + random.nextInt(MAX_COMPONENTS);
    double[] series = component(length);
    for (int i = 1; i < components; i++) {
      double[] other = component(length);
      boolean product = random.nextBoolean();
      for (int t = 0; t < length; t++) {
        series[t] = product ? series[t] * other[t] : series[t] + other[t];
      }
    }
    scaleToUnitVariance(series);

    // Each call draws whether this series gets shifts or spikes (30 % each).
    anomalies.addLevelShifts(series, ANOMALY_NOISE_SCALE);
    anomalies.addSpikes(series, ANOMALY_NOISE_SCALE);
    return series;
  }

  private double[] component(int length) {
    double[] values = new double[length];
    switch (KERNELS[random.nextInt(KERNELS.length)]) {
      case CONSTANT -> Arrays.fill(values, random.nextGaussian());
      case LINEAR -> {
        double slope = random.nextGaussian();
        double origin = random.nextDouble();
        for (int t = 0; t < length; t++) {
          values[t] = slope * ((double) t / length - origin);
        }
      }
      case WHITE_NOISE -> {
        double stdDev = logUniform(0.05, 1.0);
        for (int t = 0; t < length; t++) {
          values[t] = stdDev * random.nextGaussian();
        }
      }
      case RBF -> {
        double lengthscale = logUniform(2, length / 2.0);
        for (int f = 0; f < FOURIER_FEATURES; f++) {
          addFourierFeature(values, random.nextGaussian() / lengthscale);
        }
      }
      case RATIONAL_QUADRATIC -> {
        double typicalLengthscale = logUniform(4, length / 4.0);
        for (int f = 0; f < FOURIER_FEATURES; f++) {
          double lengthscale = typicalLengthscale * logUniform(0.1, 10);
          addFourierFeature(values, random.nextGaussian() / lengthscale);
        }
      }
      case PERIODIC -> {
        double period = random.nextDouble() < 0.75
            ? PERIODS[random.nextInt(PERIODS.length)]
            : 3 + random.nextDouble() * 397;
        // Smaller decays give smoother shapes, larger ones sharper peaks per period.
        double decay = 0.2 + random.nextDouble() * 0.7;
        double variance = 1;
        for (int k = 1; k <= HARMONICS && period / k >= 2; k++) {
          double stdDev = Math.sqrt(variance);
          addHarmonic(values, 2 * Math.PI * k / period, stdDev * random.nextGaussian(),
              stdDev * random.nextGaussian());
          variance *= decay;
        }
      }
      default -> throw new IllegalStateException("Unhandled kernel");
    }
    return values;
  }

  /** Adds sqrt(2 / F) cos(frequency t + phase) with a uniform phase: one random Fourier feature. */
  private void addFourierFeature(double[] values, double frequency) {
    double phase = random.nextDouble() * 2 * Math.PI;
    double amplitude = Math.sqrt(2.0 / FOURIER_FEATURES);
    addHarmonic(values, frequency, amplitude * StrictMath.cos(phase),
        -amplitude * StrictMath.sin(phase));
  }

  /** Adds a cos(frequency t) + b sin(frequency t), in radians per step. */
  private static void addHarmonic(double[] values, double frequency, double a, double b) {
    double stepCos = StrictMath.cos(frequency);
    double stepSin = StrictMath.sin(frequency);
    double cos = 1;
    double sin = 0;
    for (int t = 0; t < values.length; t++) {
      values[t] += a * cos + b * sin;
      double nextCos = cos * stepCos - sin * stepSin;
      sin = sin * stepCos + cos * stepSin;
      cos = nextCos;
    }
  }

  /** Scales to unit population standard deviation around the mean. A constant stays as it is. */
  private static void scaleToUnitVariance(double[] series) {
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
    if (stdDev <= 1e-12) {
      return;
    }
    for (int t = 0; t < series.length; t++) {
      series[t] = (series[t] - mean) / stdDev;
    }
  }

  private double logUniform(double min, double max) {
    double logMin = StrictMath.log(min);
    return StrictMath.exp(logMin + random.nextDouble() * (StrictMath.log(max) - logMin));
  }
}
