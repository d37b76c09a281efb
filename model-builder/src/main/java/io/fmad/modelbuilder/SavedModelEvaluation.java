package io.fmad.modelbuilder;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.proto.framework.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Evaluates an exported window encoder, such as fmad-ts-ae or a version of fmad-ts-fm, on the
 * held-out samples, so that a model card can compare models on one corpus through the same
 * serving signature that the job calls.
 *
 * <p>Besides reconstruction and forecast errors it measures how much the embedding moves when
 * only the noise of a window changes, relative to how far apart the embeddings of different
 * windows lie. The job compares a window's embedding with the windows one and two days earlier,
 * which share the signal but not the noise, so a lower ratio leaves more of that distance to
 * real changes.
 */
final class SavedModelEvaluation {

  /** Standard deviation of the Gaussian noise added to each copy, in key baseline deviations. */
  static final float NOISE_STD_DEV = 0.1f;
  /** Windows whose own standard deviation is below this count as quiet, in baseline deviations. */
  static final double QUIET_STD_DEV = 0.25;

  private static final int BATCH_SIZE = 4096;

  /**
   * Held-out results of one model, errors in the input's scale.
   *
   * @param forecastMse NaN when the model has no forecast output
   * @param embeddingNoiseRatio mean embedding distance between two copies of a window with
   *     independent noise of {@link #NOISE_STD_DEV}, divided by the mean embedding distance
   *     between different held-out windows, or NaN when every window has the same embedding
   * @param quietEmbeddingNoiseRatio the same ratio over the quiet windows only, with the
   *     denominator still averaged over all windows, or NaN when no window is quiet
   * @param quietWindows number of quiet windows
   */
  record Evaluation(double reconstructionMse, double forecastMse, double embeddingNoiseRatio,
      double quietEmbeddingNoiseRatio, int quietWindows) {
  }

  private SavedModelEvaluation() {
  }

  /** Returns the {@code id} property of the model.properties file in {@code directory}. */
  static String id(Path directory) throws IOException {
    return property(directory, "id");
  }

  /** Returns the {@code version} property of the model.properties file in {@code directory}. */
  static String version(Path directory) throws IOException {
    return property(directory, "version");
  }

  private static String property(Path directory, String name) throws IOException {
    Path file = directory.resolve("model.properties");
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      properties.load(reader);
    }
    String value = properties.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Missing property '" + name + "' in " + file);
    }
    return value.trim();
  }

  /**
   * Evaluates the SavedModel in {@code directory}, which must take a {@code window} input of the
   * corpus's input length and return {@code embedding} and {@code reconstruction}, and may
   * return a {@code forecast} of the corpus's horizon. The noise comes from
   * {@code noiseSeed}, so two models evaluated with the same seed see the same noisy copies.
   */
  static Evaluation evaluate(Path directory, ConfigProto config, ForecastCorpus corpus,
      long noiseSeed) {
    try (SavedModelBundle bundle = SavedModelBundle.loader(directory.toString())
        .withTags(SavedModelExport.TAG)
        .withConfigProto(config)
        .load()) {
      return evaluate(new BundleEncoder(bundle, directory), corpus, noiseSeed);
    }
  }

  /** Runs a batch of windows through a model. */
  interface Encoder {

    /**
     * Returns the embedding, reconstruction and forecast of {@code rows} windows, each
     * row-major. The forecast is null when the model has none.
     */
    float[][] encode(float[] windows, int rows);
  }

  /** Evaluates {@code encoder} as {@link #evaluate(Path, ConfigProto, ForecastCorpus, long)}. */
  static Evaluation evaluate(Encoder encoder, ForecastCorpus corpus, long noiseSeed) {
    int length = corpus.inputLength();
    int horizon = corpus.horizon();
    int samples = corpus.sampleCount();
    float[] embeddings = new float[0];
    double reconstructionSum = 0;
    double forecastSum = 0;
    boolean hasForecast = true;

    for (int start = 0; start < samples; start += BATCH_SIZE) {
      int rows = Math.min(BATCH_SIZE, samples - start);
      float[] inputs = new float[rows * length];
      float[] targets = new float[rows * horizon];
      for (int row = 0; row < rows; row++) {
        corpus.copyInput(start + row, inputs, row);
        corpus.copyTarget(start + row, targets, row);
      }
      float[][] outputs = encoder.encode(inputs, rows);
      if (start == 0) {
        embeddings = new float[samples * (outputs[0].length / rows)];
      }
      System.arraycopy(outputs[0], 0, embeddings, start * (outputs[0].length / rows),
          outputs[0].length);
      reconstructionSum += squaredErrorSum(outputs[1], inputs);
      if (outputs[2] == null) {
        hasForecast = false;
      } else {
        forecastSum += squaredErrorSum(outputs[2], targets);
      }
    }
    int dim = embeddings.length / samples;

    // Distance between different windows: sample i against the sample half the corpus away,
    // which comes from another series unless the corpus has a single series.
    double betweenSum = 0;
    for (int i = 0; i < samples; i++) {
      betweenSum += distance(embeddings, i, embeddings, (i + samples / 2) % samples, dim);
    }
    // Zero only when every window has the same embedding, where the ratio is undefined.
    double meanBetween = betweenSum > 0 ? betweenSum / samples : Double.NaN;

    Random random = new Random(noiseSeed);
    double noiseSum = 0;
    double quietNoiseSum = 0;
    int quietWindows = 0;
    for (int start = 0; start < samples; start += BATCH_SIZE) {
      int rows = Math.min(BATCH_SIZE, samples - start);
      float[] first = new float[rows * length];
      float[] second = new float[rows * length];
      for (int row = 0; row < rows; row++) {
        corpus.copyInput(start + row, first, row);
        corpus.copyInput(start + row, second, row);
      }
      for (int i = 0; i < first.length; i++) {
        first[i] += NOISE_STD_DEV * (float) random.nextGaussian();
        second[i] += NOISE_STD_DEV * (float) random.nextGaussian();
      }
      float[] firstEmbeddings = encoder.encode(first, rows)[0];
      float[] secondEmbeddings = encoder.encode(second, rows)[0];
      for (int row = 0; row < rows; row++) {
        double noiseDistance = distance(firstEmbeddings, row, secondEmbeddings, row, dim);
        noiseSum += noiseDistance;
        if (inputStdDev(corpus, start + row) < QUIET_STD_DEV) {
          quietNoiseSum += noiseDistance;
          quietWindows++;
        }
      }
    }
    return new Evaluation(
        reconstructionSum / ((double) samples * length),
        hasForecast ? forecastSum / ((double) samples * horizon) : Double.NaN,
        noiseSum / samples / meanBetween,
        quietWindows > 0 ? quietNoiseSum / quietWindows / meanBetween : Double.NaN,
        quietWindows);
  }

  /** Calls the serving signature of a loaded SavedModel. */
  private record BundleEncoder(SavedModelBundle bundle, Path directory) implements Encoder {

    @Override
    public float[][] encode(float[] windows, int rows) {
      try (TFloat32 input = Trainer.tensorOf(windows, rows, windows.length / rows);
          Result result = bundle.function(SavedModelExport.SIGNATURE_KEY)
              .call(Map.of(PatchEncoder.INPUT_NAME, input))) {
        return new float[][] {
            Trainer.toArray(required(result, PatchEncoder.EMBEDDING_NAME)),
            Trainer.toArray(required(result, PatchEncoder.RECONSTRUCTION_NAME)),
            result.get(PatchEncoder.FORECAST_NAME)
                .map(tensor -> Trainer.toArray((TFloat32) tensor))
                .orElse(null)};
      }
    }

    private TFloat32 required(Result result, String name) {
      Optional<Tensor> tensor = result.get(name);
      return (TFloat32) tensor.orElseThrow(() -> new IllegalStateException(
          "SavedModel " + directory + " has no output " + name));
    }
  }

  private static double distance(float[] first, int firstRow, float[] second, int secondRow,
      int dim) {
    double sum = 0;
    for (int d = 0; d < dim; d++) {
      double difference = first[firstRow * dim + d] - second[secondRow * dim + d];
      sum += difference * difference;
    }
    return Math.sqrt(sum);
  }

  private static double inputStdDev(ForecastCorpus corpus, int sample) {
    int length = corpus.inputLength();
    double sum = 0;
    for (int i = 0; i < length; i++) {
      sum += corpus.value(sample, i);
    }
    double mean = sum / length;
    double squares = 0;
    for (int i = 0; i < length; i++) {
      double centered = corpus.value(sample, i) - mean;
      squares += centered * centered;
    }
    return Math.sqrt(squares / length);
  }

  private static double squaredErrorSum(float[] predicted, float[] actual) {
    double sum = 0;
    for (int i = 0; i < actual.length; i++) {
      double error = predicted[i] - actual[i];
      sum += error * error;
    }
    return sum;
  }
}
