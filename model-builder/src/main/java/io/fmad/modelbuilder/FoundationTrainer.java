package io.fmad.modelbuilder;

import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Session.Runner;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.math.Mean;
import org.tensorflow.proto.framework.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Trains the {@link PatchEncoder} with Adam on masked reconstruction plus next-patch forecasting.
 *
 * <p>The loss is the mean squared error of the whole reconstructed window (masked and visible
 * patches) plus that of the 8-point forecast, both on the input's scale, which is the scale of
 * the reconstruction error that the job scores. With instance normalization the model
 * normalizes each window internally, so only the loss weighting depends on the window's spread.
 * A loss on the instance-normalized scale was tried and gave a higher held-out reconstruction
 * error on the input's scale.
 *
 * <p>With probability {@link #MASK_PROBABILITY} a training window gets 2 or 3 of its 8 patches
 * masked (25 or 37.5 %), otherwise none, so the model also trains on the unmasked windows it gets
 * at inference. Masks and batch order come from a {@link Random} seeded by the caller, and the
 * session runs each op on one thread, so a fixed seed reproduces the weights on the same CPU and
 * TensorFlow build.
 *
 * <p>With an embedding consistency weight above 0, each training window is also encoded as a
 * second copy with independent Gaussian noise of {@link #CONSISTENCY_NOISE_STD_DEV} added to
 * every point, under the same mask. The loss then adds the weight times the batch mean of the
 * squared distance between the two embeddings, divided by the batch mean squared distance
 * between the clean embeddings of all pairs of windows. The ratio does not change when the
 * embedding is scaled, so shrinking the embedding cannot lower it. The batch's windows are
 * distinct, so the divisor is zero only if the encoder maps every window to one point.
 */
final class FoundationTrainer implements AutoCloseable {

  static final float LEARNING_RATE = 1e-3f;
  static final float MASK_PROBABILITY = 0.5f;
  static final int MIN_MASKED_PATCHES = 2;
  static final int MAX_MASKED_PATCHES = 3;
  /**
   * Standard deviation of the noise added to the second copy of each window, in units of the
   * key's baseline deviation. It equals the noise of the embedding noise ratio measurement.
   */
  static final float CONSISTENCY_NOISE_STD_DEV = SavedModelEvaluation.NOISE_STD_DEV;

  /** Rows per session call during evaluation. Larger batches spread the per-call overhead. */
  private static final int INFERENCE_BATCH_SIZE = 4096;

  /** Held-out errors, all in the input's scale (units of the key's baseline deviation). */
  record Evaluation(double reconstructionMse, double maskedReconstructionMse,
      double forecastMse) {
  }

  private final Graph graph;
  private final Session session;
  private final PatchEncoder.Endpoints endpoints;
  private final Placeholder<TFloat32> forecastTarget;
  private final Operand<TFloat32> loss;
  private final Op minimize;
  private final boolean encodesNoisyCopy;

  FoundationTrainer(long seed, PatchEncoder.WindowNormalization normalization,
      ConfigProto config) {
    this(seed, normalization, 0f, config);
  }

  /**
   * Builds the training graph and initializes its variables. An {@code embeddingConsistency}
   * of 0 trains without the noisy copy, which gives the same graph and loss as the other
   * constructor.
   */
  FoundationTrainer(long seed, PatchEncoder.WindowNormalization normalization,
      float embeddingConsistency, ConfigProto config) {
    if (!(embeddingConsistency >= 0) || Float.isInfinite(embeddingConsistency)) {
      throw new IllegalArgumentException("Invalid embedding consistency weight "
          + embeddingConsistency + "; expected a finite value of 0 or more");
    }
    encodesNoisyCopy = embeddingConsistency > 0;
    graph = new Graph();
    Ops tf = Ops.create(graph);
    endpoints = PatchEncoder.buildForTraining(tf, seed, normalization, encodesNoisyCopy);
    forecastTarget = tf.withName("forecast_target").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, PatchEncoder.HORIZON)));

    Operand<TInt32> allAxes = tf.constant(new int[] {0, 1});
    Operand<TFloat32> reconstructionLoss = tf.math.mean(
        tf.math.squaredDifference(endpoints.reconstruction(), endpoints.window()),
        allAxes);
    Operand<TFloat32> forecastLoss = tf.math.mean(
        tf.math.squaredDifference(endpoints.forecast(), forecastTarget),
        allAxes);
    Operand<TFloat32> objective = tf.math.add(reconstructionLoss, forecastLoss);
    if (encodesNoisyCopy) {
      objective = tf.math.add(objective, tf.math.mul(tf.constant(embeddingConsistency),
          consistencyLoss(tf, endpoints.embedding(), endpoints.noisyEmbedding())));
    }
    loss = tf.withName("loss").identity(objective);
    minimize = Trainer.minimizeAfterAllGradients(tf, new Adam(graph, LEARNING_RATE), loss);
    session = new Session(graph, config);
    session.initialize();
  }

  /**
   * Returns the mean squared distance between each window's clean and noisy embeddings, divided
   * by the mean squared distance between the clean embeddings of all ordered pairs in the batch.
   * That divisor equals 2 times the mean squared distance to the batch's mean embedding. It
   * includes each window paired with itself, so for a batch of B windows it is (B - 1) / B of
   * the mean over distinct pairs.
   */
  private static Operand<TFloat32> consistencyLoss(Ops tf, Operand<TFloat32> embedding,
      Operand<TFloat32> noisyEmbedding) {
    Operand<TInt32> rowAxis = tf.constant(new int[] {0});
    Operand<TInt32> featureAxis = tf.constant(new int[] {1});
    Operand<TFloat32> noiseDistance = tf.math.mean(
        tf.sum(tf.math.squaredDifference(embedding, noisyEmbedding), featureAxis), rowAxis);
    Operand<TFloat32> centroid = tf.math.mean(embedding, rowAxis, Mean.keepDims(true));
    Operand<TFloat32> spread = tf.math.mean(
        tf.sum(tf.math.squaredDifference(embedding, centroid), featureAxis), rowAxis);
    return tf.math.div(noiseDistance, tf.math.mul(tf.constant(2f), spread));
  }

  /** Returns the session's graph endpoints, for reading outputs during verification. */
  PatchEncoder.Endpoints endpoints() {
    return endpoints;
  }

  /**
   * Runs one pass over {@code corpus} in an order drawn from {@code random}, with batches of
   * {@code batchSize} samples and random patch masks, and returns the mean training loss.
   */
  double trainEpoch(ForecastCorpus corpus, int batchSize, Random random) {
    int[] order = Trainer.shuffledIndices(corpus.sampleCount(), random);
    float[] inputs = new float[batchSize * PatchEncoder.WINDOW_LENGTH];
    float[] targets = new float[batchSize * PatchEncoder.HORIZON];
    double lossSum = 0;
    int batches = 0;

    // A trailing partial batch is dropped, so every Adam step uses the same batch size.
    for (int start = 0; start + batchSize <= order.length; start += batchSize) {
      for (int row = 0; row < batchSize; row++) {
        corpus.copyInput(order[start + row], inputs, row);
        corpus.copyTarget(order[start + row], targets, row);
      }
      float[] masks = drawMasks(batchSize, MASK_PROBABILITY, random);
      // The noisy copy gets the same window plus noise drawn after the masks.
      float[] noisyInputs = encodesNoisyCopy ? addNoise(inputs, random) : null;

      try (TFloat32 inputTensor = Trainer.tensorOf(inputs, batchSize, PatchEncoder.WINDOW_LENGTH);
          TFloat32 maskTensor = Trainer.tensorOf(masks, batchSize, PatchEncoder.PATCH_COUNT);
          TFloat32 targetTensor = Trainer.tensorOf(targets, batchSize, PatchEncoder.HORIZON);
          TFloat32 noisyTensor = encodesNoisyCopy
              ? Trainer.tensorOf(noisyInputs, batchSize, PatchEncoder.WINDOW_LENGTH) : null) {
        Runner runner = session.runner()
            .feed(endpoints.window(), inputTensor)
            .feed(endpoints.mask(), maskTensor)
            .feed(forecastTarget, targetTensor);
        if (encodesNoisyCopy) {
          runner.feed(endpoints.noisyWindow(), noisyTensor);
        }
        try (Result result = runner.addTarget(minimize).fetch(loss).run()) {
          lossSum += ((TFloat32) result.get(0)).getFloat();
        }
      }
      batches++;
    }
    return lossSum / batches;
  }

  /** Returns a copy of {@code windows} with Gaussian noise of the consistency stddev added. */
  private static float[] addNoise(float[] windows, Random random) {
    float[] noisy = windows.clone();
    for (int i = 0; i < noisy.length; i++) {
      noisy[i] += CONSISTENCY_NOISE_STD_DEV * (float) random.nextGaussian();
    }
    return noisy;
  }

  /**
   * Returns, for {@code rows} windows, a row-major [rows, 8] mask with 1 for a masked patch.
   * Each row is masked with the given probability, then in 2 or 3 distinct random patches.
   */
  static float[] drawMasks(int rows, float probability, Random random) {
    float[] masks = new float[rows * PatchEncoder.PATCH_COUNT];
    for (int row = 0; row < rows; row++) {
      if (random.nextFloat() >= probability) {
        continue;
      }
      int count = MIN_MASKED_PATCHES
          + random.nextInt(MAX_MASKED_PATCHES - MIN_MASKED_PATCHES + 1);
      int masked = 0;
      while (masked < count) {
        int patch = random.nextInt(PatchEncoder.PATCH_COUNT);
        int index = row * PatchEncoder.PATCH_COUNT + patch;
        if (masks[index] == 0) {
          masks[index] = 1;
          masked++;
        }
      }
    }
    return masks;
  }

  /**
   * Evaluates on {@code corpus} in the input's scale: the reconstruction and forecast errors of
   * unmasked windows, and the reconstruction error on the masked points only, with
   * {@code masks} (row-major [samples, 8]).
   */
  Evaluation evaluate(ForecastCorpus corpus, float[] masks) {
    int length = PatchEncoder.WINDOW_LENGTH;
    int horizon = PatchEncoder.HORIZON;
    double reconstructionSum = 0;
    double forecastSum = 0;
    double maskedSum = 0;
    long maskedPoints = 0;
    for (int start = 0; start < corpus.sampleCount(); start += INFERENCE_BATCH_SIZE) {
      int rows = Math.min(INFERENCE_BATCH_SIZE, corpus.sampleCount() - start);
      float[] inputs = new float[rows * length];
      float[] targets = new float[rows * horizon];
      for (int row = 0; row < rows; row++) {
        corpus.copyInput(start + row, inputs, row);
        corpus.copyTarget(start + row, targets, row);
      }
      float[][] clean = run(inputs, null, rows,
          endpoints.reconstruction(), endpoints.forecast());
      reconstructionSum += squaredErrorSum(clean[0], inputs);
      forecastSum += squaredErrorSum(clean[1], targets);

      float[] batchMasks = new float[rows * PatchEncoder.PATCH_COUNT];
      System.arraycopy(masks, start * PatchEncoder.PATCH_COUNT, batchMasks, 0,
          batchMasks.length);
      float[] masked = run(inputs, batchMasks, rows, endpoints.reconstruction())[0];
      for (int i = 0; i < inputs.length; i++) {
        if (batchMasks[i / PatchEncoder.PATCH_LENGTH] != 0) {
          double error = masked[i] - inputs[i];
          maskedSum += error * error;
          maskedPoints++;
        }
      }
    }
    return new Evaluation(
        reconstructionSum / ((double) corpus.sampleCount() * length),
        maskedSum / maskedPoints,
        forecastSum / ((double) corpus.sampleCount() * horizon));
  }

  /**
   * Runs {@code rows} windows through the training graph and returns each of {@code outputs}
   * row-major. A null {@code masks} masks nothing, which is what the serving graph computes.
   */
  @SafeVarargs
  final float[][] run(float[] windows, float[] masks, int rows, Operand<TFloat32>... outputs) {
    float[] patchMasks = masks != null ? masks : new float[rows * PatchEncoder.PATCH_COUNT];
    try (TFloat32 input = Trainer.tensorOf(windows, rows, PatchEncoder.WINDOW_LENGTH);
        TFloat32 mask = Trainer.tensorOf(patchMasks, rows, PatchEncoder.PATCH_COUNT)) {
      Runner runner = session.runner()
          .feed(endpoints.window(), input)
          .feed(endpoints.mask(), mask);
      for (Operand<TFloat32> output : outputs) {
        runner.fetch(output);
      }
      try (Result result = runner.run()) {
        float[][] values = new float[outputs.length][];
        for (int i = 0; i < outputs.length; i++) {
          values[i] = Trainer.toArray((TFloat32) result.get(i));
        }
        return values;
      }
    }
  }

  /** Writes every variable of the training graph, Adam slots included, to a checkpoint. */
  void saveCheckpoint(String prefix) {
    session.save(prefix);
  }

  @Override
  public void close() {
    session.close();
    graph.close();
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
