package io.fmad.modelbuilder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.framework.initializers.Glorot;
import org.tensorflow.framework.initializers.VarianceScaling;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Graph of the time-series foundation encoder: an MLP over patches, a 16-value embedding, a
 * reconstruction of the window and a forecast of the next 8 points.
 *
 * <p>Forward pass, for a window of 64 values:
 *
 * <ol>
 *   <li>Window statistics: the window mean and standard deviation, the deviation floored at
 *       {@link #SCALE_FLOOR}. With {@link WindowNormalization#INSTANCE} the window is centred on
 *       the mean and divided by the floored deviation. With {@link WindowNormalization#NONE} the
 *       patches keep the key-normalized input values.
 *   <li>Patching: 8 patches of 8 values, each projected by one shared matrix to
 *       {@value #PATCH_DIM} values, plus a learned vector per patch position, then ELU.
 *   <li>Encoder: the concatenated patch vectors, the window mean and the log of the floored
 *       deviation go through a dense ELU layer of {@value #HIDDEN} units and a linear layer to the
 *       embedding. With instance normalization the level and scale are inputs so that windows of
 *       the same shape at different levels get different embeddings.
 *   <li>Decoder: two dense ELU layers of {@value #HIDDEN} units, then linear heads for the
 *       reconstruction and forecast. With instance normalization the heads predict normalized
 *       values, which are multiplied by the floored deviation and shifted by the mean. Without
 *       it the heads predict the input's scale directly.
 * </ol>
 *
 * <p>The training graph takes a patch mask as a second input. Masked patches are left out of the
 * mean and standard deviation, their values are zeroed, and their patch vector is replaced by a
 * learned mask token before the position vector is added. The serving graph has no mask input
 * and no mask token. Both graphs name their variables the same way, so the serving graph can
 * restore a training checkpoint.
 */
final class PatchEncoder {

  static final int WINDOW_LENGTH = 64;
  static final int PATCH_LENGTH = 8;
  static final int PATCH_COUNT = WINDOW_LENGTH / PATCH_LENGTH;
  /** Forecast length, in points after the window. */
  static final int HORIZON = 8;
  static final int PATCH_DIM = 64;
  static final int HIDDEN = 256;
  static final int EMBEDDING_DIM = 16;
  /**
   * Smallest scale that instance normalization divides by, in units of the key's baseline
   * standard deviation (inputs are z-scored by that baseline).
   */
  static final float SCALE_FLOOR = 0.1f;

  /** Signature and operation name of the input window batch, float32 [-1, 64]. */
  static final String INPUT_NAME = "window";
  /** Signature and operation name of the embedding batch, float32 [-1, 16]. */
  static final String EMBEDDING_NAME = "embedding";
  /** Signature and operation name of the reconstruction batch, float32 [-1, 64]. */
  static final String RECONSTRUCTION_NAME = "reconstruction";
  /** Signature and operation name of the forecast batch, float32 [-1, 8]. */
  static final String FORECAST_NAME = "forecast";

  /** Scaling that the graph applies to a window before patching it. */
  enum WindowNormalization {
    /**
     * Centres each window on its own mean and divides it by its own standard deviation, floored
     * at {@link #SCALE_FLOOR}, and maps the outputs back to the input's scale. Version 1.
     */
    INSTANCE("instance", 1),
    /**
     * Patches the key-normalized input as it is, so that the noise of a nearly flat window stays
     * as small in the embedding's input as it is in the window. Version 2.
     */
    NONE("none", 2);

    private final String optionValue;
    private final int modelVersion;

    WindowNormalization(String optionValue, int modelVersion) {
      this.optionValue = optionValue;
      this.modelVersion = modelVersion;
    }

    /** Returns the value of the builder's {@code --window-normalization} option. */
    String optionValue() {
      return optionValue;
    }

    /** Returns the version of fmad-ts-fm that this normalization ships as. */
    int modelVersion() {
      return modelVersion;
    }

    /** Returns the constant whose {@link #optionValue()} is {@code value}. */
    static WindowNormalization fromOption(String value) {
      for (WindowNormalization normalization : values()) {
        if (normalization.optionValue.equals(value)) {
          return normalization;
        }
      }
      throw new IllegalArgumentException("Invalid value '" + value
          + "' for --window-normalization; expected none or instance");
    }
  }

  /** Fully connected layer, followed by ELU unless {@code elu} is false. */
  record Layer(String name, int inputs, int outputs, boolean elu) {

    long parameterCount() {
      return (long) inputs * outputs + outputs;
    }
  }

  /** Encoder layers after patching: the patch vectors plus mean and log scale in. */
  static final List<Layer> ENCODER = List.of(
      new Layer("encoder_hidden", PATCH_COUNT * PATCH_DIM + 2, HIDDEN, true),
      new Layer("encoder_out", HIDDEN, EMBEDDING_DIM, false));

  /** Decoder layers shared by both heads. */
  static final List<Layer> DECODER = List.of(
      new Layer("decoder_1", EMBEDDING_DIM, HIDDEN, true),
      new Layer("decoder_2", HIDDEN, HIDDEN, true));

  static final Layer RECONSTRUCTION_HEAD =
      new Layer("reconstruction_out", HIDDEN, WINDOW_LENGTH, false);
  static final Layer FORECAST_HEAD = new Layer("forecast_out", HIDDEN, HORIZON, false);

  /**
   * Input and output operands of one built graph.
   *
   * @param mask patch mask placeholder, float32 [-1, 8] with 1 for a masked patch, or null in
   *     the serving graph
   * @param noisyWindow placeholder of a second copy of each window, float32 [-1, 64], that the
   *     training graph encodes with the same weights and mask, or null when the graph has none
   * @param noisyEmbedding embedding of {@code noisyWindow}, float32 [-1, 16], or null
   */
  record Endpoints(
      Placeholder<TFloat32> window,
      Placeholder<TFloat32> mask,
      Operand<TFloat32> embedding,
      Operand<TFloat32> reconstruction,
      Operand<TFloat32> forecast,
      Placeholder<TFloat32> noisyWindow,
      Operand<TFloat32> noisyEmbedding) {
  }

  /** Encoder outputs of one window batch, with the statistics the decoder heads need. */
  private record Encoding(Operand<TFloat32> embedding, Operand<TFloat32> mean,
      Operand<TFloat32> scale) {
  }

  private PatchEncoder() {
  }

  /** Returns the number of weights in the serving graph, which excludes the mask token. */
  static long parameterCount() {
    long count = (long) PATCH_LENGTH * PATCH_DIM + (long) PATCH_COUNT * PATCH_DIM;
    for (Layer layer : ENCODER) {
      count += layer.parameterCount();
    }
    for (Layer layer : DECODER) {
      count += layer.parameterCount();
    }
    return count + RECONSTRUCTION_HEAD.parameterCount() + FORECAST_HEAD.parameterCount();
  }

  /** Returns the number of weights that exist only in the training graph: the mask token. */
  static long trainingOnlyParameterCount() {
    return PATCH_DIM;
  }

  /**
   * Builds the training graph, with a mask input, Glorot (truncated normal) kernels and zero
   * biases, position vectors and mask token. Kernel {@code i} draws with seed {@code seed + i}.
   */
  static Endpoints buildForTraining(Ops tf, long seed, WindowNormalization normalization) {
    return buildForTraining(tf, seed, normalization, false);
  }

  /**
   * Builds the training graph as {@link #buildForTraining(Ops, long, WindowNormalization)} does
   * and, if {@code encodeNoisyCopy}, also a {@code noisy_window} input that is encoded with the
   * same weights and mask. The noisy copy adds no variables, so the initial weights and the
   * checkpoint are the same as without it.
   */
  static Endpoints buildForTraining(Ops tf, long seed, WindowNormalization normalization,
      boolean encodeNoisyCopy) {
    Placeholder<TFloat32> mask = tf.withName("patch_mask").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, PATCH_COUNT)));
    VariableFactory variables = new VariableFactory() {
      private long nextSeed = seed;
      // Variables by name, so that a second encoding reuses the first one's weights.
      private final Map<String, Variable<TFloat32>> created = new HashMap<>();

      @Override
      public Variable<TFloat32> kernel(String name, int inputs, int outputs) {
        Variable<TFloat32> existing = created.get(name);
        if (existing != null) {
          return existing;
        }
        Ops init = tf.withInitScope();
        // Truncated normal, not uniform: in TensorFlow Java 0.5.0 the UNIFORM distribution of
        // VarianceScaling draws from [0, limit] instead of [-limit, limit].
        Glorot<TFloat32> glorot =
            new Glorot<>(VarianceScaling.Distribution.TRUNCATED_NORMAL, nextSeed++);
        Operand<TFloat32> initial =
            glorot.call(init, init.constant(Shape.of(inputs, outputs)), TFloat32.class);
        Variable<TFloat32> variable = tf.withName(name).variable(initial);
        created.put(name, variable);
        return variable;
      }

      @Override
      public Variable<TFloat32> zeros(String name, Shape shape) {
        Variable<TFloat32> existing = created.get(name);
        if (existing != null) {
          return existing;
        }
        Ops init = tf.withInitScope();
        Variable<TFloat32> variable =
            tf.withName(name).variable(init.zeros(init.constant(shape), TFloat32.class));
        created.put(name, variable);
        return variable;
      }
    };
    Endpoints endpoints = build(tf, variables, mask, normalization);
    if (!encodeNoisyCopy) {
      return endpoints;
    }
    Placeholder<TFloat32> noisyWindow = tf.withName("noisy_window").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, WINDOW_LENGTH)));
    Operand<TFloat32> noisyEmbedding = tf.withName("noisy_embedding").identity(
        encode(tf, variables, noisyWindow, mask, normalization).embedding());
    return new Endpoints(endpoints.window(), mask, endpoints.embedding(),
        endpoints.reconstruction(), endpoints.forecast(), noisyWindow, noisyEmbedding);
  }

  /**
   * Builds the serving graph, without mask input, with uninitialized variables. The caller must
   * restore them from a checkpoint of a graph built by {@link #buildForTraining} with the same
   * {@code normalization}.
   */
  static Endpoints buildForRestore(Ops tf, WindowNormalization normalization) {
    return build(tf, new VariableFactory() {
      @Override
      public Variable<TFloat32> kernel(String name, int inputs, int outputs) {
        return tf.withName(name).variable(Shape.of(inputs, outputs), TFloat32.class);
      }

      @Override
      public Variable<TFloat32> zeros(String name, Shape shape) {
        return tf.withName(name).variable(shape, TFloat32.class);
      }
    }, null, normalization);
  }

  /**
   * Creates variables. Names must not contain '/': the TensorFlow Java 0.5.0 optimizers name
   * their slot variables after the variable, and a name with '/' fails the op name check.
   */
  private interface VariableFactory {

    Variable<TFloat32> kernel(String name, int inputs, int outputs);

    Variable<TFloat32> zeros(String name, Shape shape);
  }

  private static Endpoints build(Ops tf, VariableFactory variables, Placeholder<TFloat32> mask,
      WindowNormalization normalization) {
    Placeholder<TFloat32> window = tf.withName(INPUT_NAME).placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, WINDOW_LENGTH)));
    Encoding encoding = encode(tf, variables, window, mask, normalization);
    Operand<TFloat32> embedding = tf.withName(EMBEDDING_NAME).identity(encoding.embedding());
    Operand<TFloat32> mean = encoding.mean();
    Operand<TFloat32> scale = encoding.scale();
    boolean instance = normalization == WindowNormalization.INSTANCE;

    Operand<TFloat32> hidden = embedding;
    for (Layer layer : DECODER) {
      hidden = dense(tf, variables, layer, hidden);
    }
    Operand<TFloat32> reconstructionHead = dense(tf, variables, RECONSTRUCTION_HEAD, hidden);
    Operand<TFloat32> forecastHead = dense(tf, variables, FORECAST_HEAD, hidden);
    Operand<TFloat32> reconstruction;
    Operand<TFloat32> forecast;
    if (instance) {
      reconstruction = tf.withName(RECONSTRUCTION_NAME)
          .math.add(tf.math.mul(reconstructionHead, scale), mean);
      forecast = tf.withName(FORECAST_NAME).math.add(tf.math.mul(forecastHead, scale), mean);
    } else {
      reconstruction = tf.withName(RECONSTRUCTION_NAME).identity(reconstructionHead);
      forecast = tf.withName(FORECAST_NAME).identity(forecastHead);
    }
    return new Endpoints(window, mask, embedding, reconstruction, forecast, null, null);
  }

  private static Encoding encode(Ops tf, VariableFactory variables, Operand<TFloat32> window,
      Placeholder<TFloat32> mask, WindowNormalization normalization) {
    Operand<TFloat32> oneScalar = tf.constant(1f);
    Operand<TInt32> rowAxis = tf.constant(new int[] {1});

    // Window statistics over the visible points: all points in the serving graph.
    Operand<TFloat32> mean;
    Operand<TFloat32> centered;
    Operand<TFloat32> variance;
    Operand<TFloat32> visiblePoints = null;
    if (mask == null) {
      mean = tf.math.mean(window, rowAxis, Mean.keepDims(true));
      centered = tf.math.sub(window, mean);
      variance = tf.math.mean(tf.math.square(centered), rowAxis,
          Mean.keepDims(true));
    } else {
      Operand<TFloat32> maskedPoints = tf.reshape(
          tf.tile(tf.expandDims(mask, tf.constant(2)), tf.constant(new int[] {1, 1, PATCH_LENGTH})),
          tf.constant(new int[] {-1, WINDOW_LENGTH}));
      visiblePoints = tf.math.sub(oneScalar, maskedPoints);
      Operand<TFloat32> visibleCount = tf.sum(visiblePoints, rowAxis, Sum.keepDims(true));
      mean = tf.math.div(tf.sum(tf.math.mul(window, visiblePoints), rowAxis, Sum.keepDims(true)),
          visibleCount);
      centered = tf.math.sub(window, mean);
      variance = tf.math.div(
          tf.sum(tf.math.mul(tf.math.square(centered), visiblePoints), rowAxis,
              Sum.keepDims(true)),
          visibleCount);
    }
    // max(variance, floor²) before the square root, which also keeps the gradient finite for a
    // constant window.
    Operand<TFloat32> scale =
        tf.math.sqrt(tf.math.maximum(variance, tf.constant(SCALE_FLOOR * SCALE_FLOOR)));
    boolean instance = normalization == WindowNormalization.INSTANCE;
    Operand<TFloat32> normalized = instance ? tf.math.div(centered, scale) : window;
    if (visiblePoints != null) {
      normalized = tf.math.mul(normalized, visiblePoints);
    }

    // Patch vectors [batch, 8, 64]: one shared projection, then mask token and position.
    Variable<TFloat32> projection = variables.kernel("patch_projection", PATCH_LENGTH, PATCH_DIM);
    Operand<TFloat32> patches = tf.reshape(
        tf.linalg.matMul(tf.reshape(normalized, tf.constant(new int[] {-1, PATCH_LENGTH})),
            projection),
        tf.constant(new int[] {-1, PATCH_COUNT, PATCH_DIM}));
    if (mask != null) {
      Variable<TFloat32> maskToken = variables.zeros("mask_token", Shape.of(PATCH_DIM));
      Operand<TFloat32> maskedPatches = tf.expandDims(mask, tf.constant(2));
      patches = tf.math.add(
          tf.math.mul(patches, tf.math.sub(oneScalar, maskedPatches)),
          tf.math.mul(maskedPatches, maskToken));
    }
    Variable<TFloat32> position =
        variables.zeros("patch_position", Shape.of(PATCH_COUNT, PATCH_DIM));
    patches = tf.nn.elu(tf.math.add(patches, position));

    Operand<TFloat32> hidden = tf.concat(List.of(
            tf.reshape(patches, tf.constant(new int[] {-1, PATCH_COUNT * PATCH_DIM})),
            mean,
            tf.math.log(scale)),
        tf.constant(1));
    for (Layer layer : ENCODER) {
      hidden = dense(tf, variables, layer, hidden);
    }
    return new Encoding(hidden, mean, scale);
  }

  private static Operand<TFloat32> dense(Ops tf, VariableFactory variables, Layer layer,
      Operand<TFloat32> input) {
    Variable<TFloat32> kernel =
        variables.kernel(layer.name() + "_kernel", layer.inputs(), layer.outputs());
    Variable<TFloat32> bias = variables.zeros(layer.name() + "_bias", Shape.of(layer.outputs()));
    Ops scope = tf.withSubScope(layer.name());
    Operand<TFloat32> linear = scope.nn.biasAdd(scope.linalg.matMul(input, kernel), bias);
    return layer.elu() ? scope.nn.elu(linear) : linear;
  }
}
