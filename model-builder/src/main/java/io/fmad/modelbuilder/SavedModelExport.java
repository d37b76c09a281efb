package io.fmad.modelbuilder;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.framework.ConfigProto;
import org.tensorflow.proto.framework.DataType;
import org.tensorflow.proto.framework.SavedModel;
import org.tensorflow.proto.framework.SignatureDef;
import org.tensorflow.proto.framework.TensorInfo;
import org.tensorflow.proto.framework.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports the trained autoencoder as a serving-only SavedModel and checks the export by loading
 * it back.
 *
 * <p>The export contains a fresh graph with the forward pass only, so it carries no optimizer
 * slots, gradients or loss. Its variables are restored from a checkpoint of the training session,
 * which works because {@link Autoencoder} names the variables the same way in both graphs.
 */
final class SavedModelExport {

  static final String TAG = SavedModelBundle.DEFAULT_TAG;
  static final String SIGNATURE_KEY = Signature.DEFAULT_KEY;
  static final String PREDICT_METHOD = "tensorflow/serving/predict";

  /**
   * Largest accepted difference between an output of the reloaded SavedModel and the training
   * session, relative to max(1, |training output|). The serving graph is a different graph from
   * the training graph, so TensorFlow's graph optimizer may choose other kernels for it, and
   * bitwise equality is not required. The builds so far measured a difference of 0.
   */
  static final double TOLERANCE = 1e-5;

  private static final Logger LOG = LoggerFactory.getLogger(SavedModelExport.class);

  private SavedModelExport() {
  }

  /**
   * Writes a SavedModel with tag {@value #TAG} and signature {@value #SIGNATURE_KEY} to
   * {@code exportDir}, taking the weights from the checkpoint at {@code checkpointPrefix}.
   */
  static void export(String checkpointPrefix, Path exportDir, ConfigProto config)
      throws IOException {
    try (Graph graph = new Graph()) {
      Autoencoder.Endpoints endpoints = Autoencoder.buildForRestore(Ops.create(graph));
      try (Session session = new Session(graph, config)) {
        session.restore(checkpointPrefix);
        Signature signature = Signature.builder(SIGNATURE_KEY)
            .methodName(PREDICT_METHOD)
            .input(Autoencoder.INPUT_NAME, endpoints.window())
            .output(Autoencoder.EMBEDDING_NAME, endpoints.embedding())
            .output(Autoencoder.RECONSTRUCTION_NAME, endpoints.reconstruction())
            .build();
        SavedModelBundle.exporter(exportDir.toString())
            .withTags(TAG)
            .withFunction(SessionFunction.create(signature, session))
            .export();
      }
    }
    rewriteDeterministically(exportDir.resolve("saved_model.pb"));
  }

  /**
   * Rewrites a SavedModel protocol buffer with map entries sorted by key. The GraphDef comes from
   * the native library, which serializes each node's attribute map in an order that changes from
   * process to process, so without this step identical builds give different bytes.
   */
  static void rewriteDeterministically(Path file) throws IOException {
    SavedModel model = SavedModel.parseFrom(Files.readAllBytes(file));
    try (OutputStream out = Files.newOutputStream(file)) {
      CodedOutputStream coded = CodedOutputStream.newInstance(out);
      coded.useDeterministicSerialization();
      model.writeTo(coded);
      coded.flush();
    }
  }

  /**
   * Loads the SavedModel at {@code exportDir}, checks its signature, runs {@code windows}
   * ({@code rows} rows of 64 values) through it and compares the outputs with those of the
   * training session.
   *
   * @return the largest relative difference found
   * @throws IllegalStateException if the signature differs from the contract or an output
   *     differs by more than {@link #TOLERANCE}
   */
  static double verify(Path exportDir, ConfigProto config, Trainer trainer, float[] windows,
      int rows) {
    float[] expectedEmbedding = trainer.run(windows, rows, trainer.endpoints().embedding());
    float[] expectedReconstruction =
        trainer.run(windows, rows, trainer.endpoints().reconstruction());

    try (SavedModelBundle bundle = SavedModelBundle.loader(exportDir.toString())
        .withTags(TAG)
        .withConfigProto(config)
        .load()) {
      SignatureDef signature = bundle.metaGraphDef().getSignatureDefMap().get(SIGNATURE_KEY);
      if (signature == null) {
        throw new IllegalStateException("Signature " + SIGNATURE_KEY + " not found in "
            + exportDir + ", found " + bundle.metaGraphDef().getSignatureDefMap().keySet());
      }
      checkTensorInfo(signature.getInputsMap(), Autoencoder.INPUT_NAME,
          Autoencoder.WINDOW_LENGTH);
      checkTensorInfo(signature.getOutputsMap(), Autoencoder.EMBEDDING_NAME,
          Autoencoder.EMBEDDING_DIM);
      checkTensorInfo(signature.getOutputsMap(), Autoencoder.RECONSTRUCTION_NAME,
          Autoencoder.WINDOW_LENGTH);

      try (TFloat32 input = Trainer.tensorOf(windows, rows, Autoencoder.WINDOW_LENGTH);
          Result result = bundle.function(SIGNATURE_KEY)
              .call(Map.of(Autoencoder.INPUT_NAME, input))) {
        double embeddingDifference = compare(Autoencoder.EMBEDDING_NAME, expectedEmbedding,
            result, Shape.of(rows, Autoencoder.EMBEDDING_DIM));
        double reconstructionDifference = compare(Autoencoder.RECONSTRUCTION_NAME,
            expectedReconstruction, result, Shape.of(rows, Autoencoder.WINDOW_LENGTH));
        return Math.max(embeddingDifference, reconstructionDifference);
      }
    }
  }

  static void checkTensorInfo(Map<String, TensorInfo> tensors, String name,
      int columns) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new IllegalStateException(
          "Signature tensor " + name + " not found, found " + tensors.keySet());
    }
    TensorShapeProto shape = info.getTensorShape();
    boolean shapeMatches = shape.getDimCount() == 2
        && shape.getDim(0).getSize() == -1
        && shape.getDim(1).getSize() == columns;
    if (info.getDtype() != DataType.DT_FLOAT || !shapeMatches) {
      throw new IllegalStateException("Signature tensor " + name + " is " + info.getDtype()
          + " " + shape.getDimList() + ", expected DT_FLOAT [-1, " + columns + "]");
    }
  }

  static double compare(String name, float[] expected, Result result,
      Shape expectedShape) {
    TFloat32 tensor = (TFloat32) result.get(name).orElseThrow(() ->
        new IllegalStateException("Output " + name + " missing from the SavedModel result"));
    if (!tensor.shape().equals(expectedShape)) {
      throw new IllegalStateException("Output " + name + " has shape " + tensor.shape()
          + ", expected " + expectedShape);
    }
    float[] actual = Trainer.toArray(tensor);
    double maxDifference = 0;
    for (int i = 0; i < expected.length; i++) {
      double difference = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
      if (!(difference <= TOLERANCE)) {
        throw new IllegalStateException("Output " + name + "[" + i + "] of the reloaded"
            + " SavedModel is " + actual[i] + " but the training session gives " + expected[i]
            + " (relative difference " + difference + ", tolerance " + TOLERANCE + ")");
      }
      maxDifference = Math.max(maxDifference, difference);
    }
    LOG.info("Output {} of the reloaded SavedModel matches the training session,"
        + " max relative difference {}", name, maxDifference);
    return maxDifference;
  }
}
