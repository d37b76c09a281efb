package io.fmad.modelbuilder;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.framework.initializers.Glorot;
import org.tensorflow.framework.initializers.VarianceScaling;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Graph of the dense time-series autoencoder: 64 → 192 → 96 → 16 (embedding) → 96 → 192 → 64.
 *
 * <p>Hidden layers use ELU. The embedding and reconstruction layers are linear, because the
 * reconstruction has to reach any value in [-10, 10] and a linear bottleneck keeps the embedding
 * free of saturation. The same builder creates the training graph and the serving graph, so both
 * have the same variable names and the serving graph can restore a training checkpoint.
 */
final class Autoencoder {

  static final int WINDOW_LENGTH = 64;
  static final int EMBEDDING_DIM = 16;

  /** Signature and operation name of the input window batch, float32 [-1, 64]. */
  static final String INPUT_NAME = "window";
  /** Signature and operation name of the embedding batch, float32 [-1, 16]. */
  static final String EMBEDDING_NAME = "embedding";
  /** Signature and operation name of the reconstructed window batch, float32 [-1, 64]. */
  static final String RECONSTRUCTION_NAME = "reconstruction";

  /** Fully connected layer, followed by ELU unless {@code elu} is false. */
  record Layer(String name, int inputs, int outputs, boolean elu) {

    long parameterCount() {
      return (long) inputs * outputs + outputs;
    }
  }

  /** Encoder layers, ending at the embedding. */
  static final List<Layer> ENCODER = List.of(
      new Layer("encoder_1", WINDOW_LENGTH, 192, true),
      new Layer("encoder_2", 192, 96, true),
      new Layer("encoder_out", 96, EMBEDDING_DIM, false));

  /** Decoder layers, ending at the reconstruction. */
  static final List<Layer> DECODER = List.of(
      new Layer("decoder_1", EMBEDDING_DIM, 96, true),
      new Layer("decoder_2", 96, 192, true),
      new Layer("decoder_out", 192, WINDOW_LENGTH, false));

  /** Input and output operands of one built graph. */
  record Endpoints(
      Placeholder<TFloat32> window, Operand<TFloat32> embedding, Operand<TFloat32> reconstruction) {
  }

  private Autoencoder() {
  }

  /** Returns the number of trainable values: all kernels and biases. */
  static long parameterCount() {
    long count = 0;
    for (Layer layer : ENCODER) {
      count += layer.parameterCount();
    }
    for (Layer layer : DECODER) {
      count += layer.parameterCount();
    }
    return count;
  }

  /**
   * Builds the model with Glorot (truncated normal) kernels and zero biases. Layer {@code i}
   * draws its kernel with seed {@code seed + i}, so the same seed gives the same initial weights.
   */
  static Endpoints buildForTraining(Ops tf, long seed) {
    return build(tf, new VariableFactory() {
      private long nextSeed = seed;

      @Override
      public Variable<TFloat32> kernel(String name, int inputs, int outputs) {
        Ops init = tf.withInitScope();
        // Truncated normal, not uniform: in TensorFlow Java 0.5.0 the UNIFORM distribution of
        // VarianceScaling draws from [0, limit] instead of [-limit, limit], so every initial
        // weight is positive and training diverges.
        Glorot<TFloat32> glorot =
            new Glorot<>(VarianceScaling.Distribution.TRUNCATED_NORMAL, nextSeed++);
        Operand<TFloat32> initial =
            glorot.call(init, init.constant(Shape.of(inputs, outputs)), TFloat32.class);
        return tf.withName(name).variable(initial);
      }

      @Override
      public Variable<TFloat32> bias(String name, int outputs) {
        Ops init = tf.withInitScope();
        return tf.withName(name).variable(init.constant(new float[outputs]));
      }
    });
  }

  /**
   * Builds the model with uninitialized variables. The caller must restore them from a
   * checkpoint of a graph built by {@link #buildForTraining} before running the graph.
   */
  static Endpoints buildForRestore(Ops tf) {
    return build(tf, new VariableFactory() {
      @Override
      public Variable<TFloat32> kernel(String name, int inputs, int outputs) {
        return tf.withName(name).variable(Shape.of(inputs, outputs), TFloat32.class);
      }

      @Override
      public Variable<TFloat32> bias(String name, int outputs) {
        return tf.withName(name).variable(Shape.of(outputs), TFloat32.class);
      }
    });
  }

  /**
   * Creates the variables of one layer. Variable names must not contain '/': the TensorFlow Java
   * 0.5.0 optimizers name their slot variables after the variable (for example
   * {@code encoder_1_kernel-m}), and a name with '/' fails the op name check.
   */
  private interface VariableFactory {

    Variable<TFloat32> kernel(String name, int inputs, int outputs);

    Variable<TFloat32> bias(String name, int outputs);
  }

  private static Endpoints build(Ops tf, VariableFactory variables) {
    Placeholder<TFloat32> window = tf.withName(INPUT_NAME).placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, WINDOW_LENGTH)));

    Operand<TFloat32> hidden = window;
    for (Layer layer : ENCODER) {
      hidden = dense(tf, variables, layer, hidden);
    }
    Operand<TFloat32> embedding = tf.withName(EMBEDDING_NAME).identity(hidden);

    for (Layer layer : DECODER) {
      hidden = dense(tf, variables, layer, hidden);
    }
    Operand<TFloat32> reconstruction = tf.withName(RECONSTRUCTION_NAME).identity(hidden);
    return new Endpoints(window, embedding, reconstruction);
  }

  private static Operand<TFloat32> dense(Ops tf, VariableFactory variables, Layer layer,
      Operand<TFloat32> input) {
    Variable<TFloat32> kernel =
        variables.kernel(layer.name() + "_kernel", layer.inputs(), layer.outputs());
    Variable<TFloat32> bias = variables.bias(layer.name() + "_bias", layer.outputs());
    Ops scope = tf.withSubScope(layer.name());
    Operand<TFloat32> linear = scope.nn.biasAdd(scope.linalg.matMul(input, kernel), bias);
    return layer.elu() ? scope.nn.elu(linear) : linear;
  }
}
