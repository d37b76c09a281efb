package io.fmad.modelbuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.framework.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Trains the {@link Autoencoder} with Adam on the mean squared reconstruction error.
 *
 * <p>Training is denoising: the target is always the clean window, and with probability
 * {@link #NOISE_PROBABILITY} the input is the window plus Gaussian noise with standard deviation
 * {@link #NOISE_STD_DEV}. The noise and the batch order come from a {@link Random} seeded by the
 * caller, and the session runs each op on one thread, so a fixed seed reproduces the weights on
 * the same CPU and TensorFlow build.
 */
final class Trainer implements AutoCloseable {

  static final float LEARNING_RATE = 1e-3f;
  static final float NOISE_PROBABILITY = 0.5f;
  /** Noise standard deviation, in units of the series' standard deviation. */
  static final float NOISE_STD_DEV = 0.1f;

  /** Rows per session call during evaluation. Larger batches spread the per-call overhead. */
  private static final int INFERENCE_BATCH_SIZE = 4096;

  private final Graph graph;
  private final Session session;
  private final Autoencoder.Endpoints endpoints;
  private final Placeholder<TFloat32> target;
  private final Operand<TFloat32> loss;
  private final Op minimize;

  Trainer(long seed, ConfigProto config) {
    graph = new Graph();
    Ops tf = Ops.create(graph);
    endpoints = Autoencoder.buildForTraining(tf, seed);
    target = tf.withName("target").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, Autoencoder.WINDOW_LENGTH)));
    loss = tf.withName("loss").math.mean(
        tf.math.squaredDifference(endpoints.reconstruction(), target),
        tf.constant(new int[] {0, 1}));
    minimize = minimizeAfterAllGradients(tf, new Adam(graph, LEARNING_RATE), loss);
    session = new Session(graph, config);
    session.initialize();
  }

  /** Returns the session's graph endpoints, for reading outputs during verification. */
  Autoencoder.Endpoints endpoints() {
    return endpoints;
  }

  /**
   * Runs one pass over {@code corpus} in an order drawn from {@code random}, with batches of
   * {@code batchSize} windows, and returns the mean training loss over all batches.
   */
  double trainEpoch(SyntheticCorpus corpus, int batchSize, Random random) {
    int windowLength = corpus.windowLength();
    int[] order = shuffledIndices(corpus.windowCount(), random);
    float[] inputs = new float[batchSize * windowLength];
    float[] targets = new float[batchSize * windowLength];
    double lossSum = 0;
    int batches = 0;

    // A trailing partial batch is dropped, so every Adam step uses the same batch size.
    for (int start = 0; start + batchSize <= order.length; start += batchSize) {
      for (int row = 0; row < batchSize; row++) {
        corpus.copyWindow(order[start + row], targets, row);
      }
      System.arraycopy(targets, 0, inputs, 0, targets.length);
      addNoise(inputs, batchSize, windowLength, random);

      try (TFloat32 inputTensor = tensorOf(inputs, batchSize, windowLength);
          TFloat32 targetTensor = tensorOf(targets, batchSize, windowLength);
          Result result = session.runner()
              .feed(endpoints.window(), inputTensor)
              .feed(target, targetTensor)
              .addTarget(minimize)
              .fetch(loss)
              .run()) {
        lossSum += ((TFloat32) result.get(0)).getFloat();
      }
      batches++;
    }
    return lossSum / batches;
  }

  /** Returns the mean squared reconstruction error over {@code corpus}, with clean inputs. */
  double evaluateMse(SyntheticCorpus corpus) {
    int windowLength = corpus.windowLength();
    double squaredErrorSum = 0;
    for (int start = 0; start < corpus.windowCount(); start += INFERENCE_BATCH_SIZE) {
      int rows = Math.min(INFERENCE_BATCH_SIZE, corpus.windowCount() - start);
      float[] inputs = new float[rows * windowLength];
      System.arraycopy(corpus.windows(), start * windowLength, inputs, 0, inputs.length);
      float[] reconstruction = run(inputs, rows, endpoints.reconstruction());
      for (int i = 0; i < inputs.length; i++) {
        double error = reconstruction[i] - inputs[i];
        squaredErrorSum += error * error;
      }
    }
    return squaredErrorSum / ((double) corpus.windowCount() * windowLength);
  }

  /** Runs {@code rows} windows through the graph and returns {@code output} row-major. */
  float[] run(float[] windows, int rows, Operand<TFloat32> output) {
    try (TFloat32 input = tensorOf(windows, rows, Autoencoder.WINDOW_LENGTH);
        Result result = session.runner().feed(endpoints.window(), input).fetch(output).run()) {
      return toArray((TFloat32) result.get(0));
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

  /**
   * Returns the Adam update op, gated so that no variable is updated before the loss and every
   * gradient are computed.
   *
   * <p>{@code Optimizer.minimize} in TensorFlow Java 0.5.0 lets each ApplyAdam op run as soon as
   * its own gradient is ready. The variables are reference variables (VariableV2) and are updated
   * in place, so the backward pass of lower layers could read an already updated kernel. Which
   * value it reads depends on thread timing, so identical runs gave different losses even with
   * one intra-op and one inter-op thread.
   */
  static Op minimizeAfterAllGradients(Ops tf, Adam adam, Operand<TFloat32> loss) {
    List<Optimizer.GradAndVar<?>> gradients = adam.computeGradients(loss);
    List<Op> barrier = new ArrayList<>();
    barrier.add(loss);
    for (Optimizer.GradAndVar<?> gradient : gradients) {
      barrier.add(gradient.getGradient());
    }
    Ops gated = tf.withControlDependencies(barrier);
    List<Optimizer.GradAndVar<? extends TType>> gatedGradients = new ArrayList<>();
    for (Optimizer.GradAndVar<?> gradient : gradients) {
      gatedGradients.add(gate(gated, gradient));
    }
    return adam.applyGradients(gatedGradients, "train");
  }

  private static <T extends TType> Optimizer.GradAndVar<T> gate(Ops gated,
      Optimizer.GradAndVar<T> gradient) {
    return new Optimizer.GradAndVar<>(
        gated.identity(gradient.getGradient()).asOutput(), gradient.getVariable());
  }

  static TFloat32 tensorOf(float[] values, int rows, int columns) {
    return TFloat32.tensorOf(Shape.of(rows, columns), DataBuffers.of(values, true, false));
  }

  static float[] toArray(TFloat32 tensor) {
    float[] values = new float[Math.toIntExact(tensor.size())];
    tensor.read(DataBuffers.of(values, false, false));
    return values;
  }

  static int[] shuffledIndices(int count, Random random) {
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  private static void addNoise(float[] inputs, int rows, int windowLength, Random random) {
    for (int row = 0; row < rows; row++) {
      if (random.nextFloat() >= NOISE_PROBABILITY) {
        continue;
      }
      int offset = row * windowLength;
      for (int i = 0; i < windowLength; i++) {
        float noisy = inputs[offset + i] + NOISE_STD_DEV * (float) random.nextGaussian();
        inputs[offset + i] = Math.max(-SyntheticCorpus.CLIP, Math.min(SyntheticCorpus.CLIP, noisy));
      }
    }
  }
}
