package io.fmad.modelbuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.tensorflow.proto.framework.SignatureDef;
import org.tensorflow.types.TFloat32;

/**
 * Exports the trained {@link PatchEncoder} as a serving-only SavedModel, checks the export by
 * loading it back, and writes the golden outputs that the models module tests against.
 *
 * <p>The export contains the serving graph only: no mask input, mask token, optimizer slots,
 * gradients or loss. Its variables are restored from a checkpoint of the training session.
 */
final class FoundationExport {

  /** File next to the SavedModel with fixed input windows and the outputs computed for them. */
  static final String GOLDEN_FILE = "golden-outputs.properties";

  /** Outputs of the reloaded SavedModel, row-major, and their distance to the training graph. */
  record Outputs(float[] embedding, float[] reconstruction, float[] forecast,
      double maxDifference) {
  }

  private FoundationExport() {
  }

  /**
   * Writes a SavedModel with signature {@value SavedModelExport#SIGNATURE_KEY} (input
   * {@code window}; outputs {@code embedding}, {@code reconstruction} and {@code forecast}) to
   * {@code exportDir}, taking the weights from the checkpoint at {@code checkpointPrefix}, which
   * a training graph with the same {@code normalization} wrote.
   */
  static void export(String checkpointPrefix, Path exportDir,
      PatchEncoder.WindowNormalization normalization, ConfigProto config) throws IOException {
    try (Graph graph = new Graph()) {
      PatchEncoder.Endpoints endpoints =
          PatchEncoder.buildForRestore(Ops.create(graph), normalization);
      try (Session session = new Session(graph, config)) {
        session.restore(checkpointPrefix);
        Signature signature = Signature.builder(SavedModelExport.SIGNATURE_KEY)
            .methodName(SavedModelExport.PREDICT_METHOD)
            .input(PatchEncoder.INPUT_NAME, endpoints.window())
            .output(PatchEncoder.EMBEDDING_NAME, endpoints.embedding())
            .output(PatchEncoder.RECONSTRUCTION_NAME, endpoints.reconstruction())
            .output(PatchEncoder.FORECAST_NAME, endpoints.forecast())
            .build();
        SavedModelBundle.exporter(exportDir.toString())
            .withTags(SavedModelExport.TAG)
            .withFunction(SessionFunction.create(signature, session))
            .export();
      }
    }
    SavedModelExport.rewriteDeterministically(exportDir.resolve("saved_model.pb"));
  }

  /**
   * Loads the SavedModel at {@code exportDir}, checks its signature, runs {@code windows}
   * ({@code rows} rows of 64 values) through it and compares the outputs with those of the
   * unmasked training graph.
   *
   * @return the reloaded model's outputs
   * @throws IllegalStateException if the signature differs from the contract or an output
   *     differs by more than {@link SavedModelExport#TOLERANCE}
   */
  static Outputs verify(Path exportDir, ConfigProto config, FoundationTrainer trainer,
      float[] windows, int rows) {
    PatchEncoder.Endpoints training = trainer.endpoints();
    float[][] expected = trainer.run(windows, null, rows,
        training.embedding(), training.reconstruction(), training.forecast());

    try (SavedModelBundle bundle = SavedModelBundle.loader(exportDir.toString())
        .withTags(SavedModelExport.TAG)
        .withConfigProto(config)
        .load()) {
      SignatureDef signature =
          bundle.metaGraphDef().getSignatureDefMap().get(SavedModelExport.SIGNATURE_KEY);
      if (signature == null) {
        throw new IllegalStateException("Signature " + SavedModelExport.SIGNATURE_KEY
            + " not found in " + exportDir + ", found "
            + bundle.metaGraphDef().getSignatureDefMap().keySet());
      }
      SavedModelExport.checkTensorInfo(signature.getInputsMap(), PatchEncoder.INPUT_NAME,
          PatchEncoder.WINDOW_LENGTH);
      SavedModelExport.checkTensorInfo(signature.getOutputsMap(), PatchEncoder.EMBEDDING_NAME,
          PatchEncoder.EMBEDDING_DIM);
      SavedModelExport.checkTensorInfo(signature.getOutputsMap(),
          PatchEncoder.RECONSTRUCTION_NAME, PatchEncoder.WINDOW_LENGTH);
      SavedModelExport.checkTensorInfo(signature.getOutputsMap(), PatchEncoder.FORECAST_NAME,
          PatchEncoder.HORIZON);

      try (TFloat32 input = Trainer.tensorOf(windows, rows, PatchEncoder.WINDOW_LENGTH);
          Result result = bundle.function(SavedModelExport.SIGNATURE_KEY)
              .call(Map.of(PatchEncoder.INPUT_NAME, input))) {
        double difference = Math.max(
            SavedModelExport.compare(PatchEncoder.EMBEDDING_NAME, expected[0], result,
                Shape.of(rows, PatchEncoder.EMBEDDING_DIM)),
            Math.max(
                SavedModelExport.compare(PatchEncoder.RECONSTRUCTION_NAME, expected[1], result,
                    Shape.of(rows, PatchEncoder.WINDOW_LENGTH)),
                SavedModelExport.compare(PatchEncoder.FORECAST_NAME, expected[2], result,
                    Shape.of(rows, PatchEncoder.HORIZON))));
        return new Outputs(
            output(result, PatchEncoder.EMBEDDING_NAME),
            output(result, PatchEncoder.RECONSTRUCTION_NAME),
            output(result, PatchEncoder.FORECAST_NAME),
            difference);
      }
    }
  }

  private static float[] output(Result result, String name) {
    return Trainer.toArray((TFloat32) result.get(name).orElseThrow());
  }

  /**
   * Returns the golden input windows, 8 rows of 64 values: the first window of four held-out
   * series, then four edge cases (all zeros, a constant level of 3, alternating ±10 clip bounds,
   * and a step with a spike).
   */
  static float[] goldenWindows(ForecastCorpus heldout, int samplesPerSeries) {
    int length = PatchEncoder.WINDOW_LENGTH;
    float[] windows = new float[8 * length];
    for (int row = 0; row < 4; row++) {
      heldout.copyInput(Math.min(row * samplesPerSeries, heldout.sampleCount() - 1), windows,
          row);
    }
    // Row 4 stays all zeros.
    for (int i = 0; i < length; i++) {
      windows[5 * length + i] = 3f;
      windows[6 * length + i] = i % 2 == 0 ? SyntheticCorpus.CLIP : -SyntheticCorpus.CLIP;
      windows[7 * length + i] = i < 40 ? -0.5f : 1.5f;
    }
    windows[7 * length + 20] = 6f;
    return windows;
  }

  /**
   * Writes the golden file: for each row {@code r}, the keys {@code window.r},
   * {@code embedding.r}, {@code reconstruction.r} and {@code forecast.r} with comma-separated
   * values in {@link Float#toString} form, which parses back to the same float.
   */
  static void writeGolden(Path file, float[] windows, int rows, Outputs outputs,
      int modelVersion, String tensorFlowVersion) throws IOException {
    StringBuilder text = new StringBuilder()
        .append("# Golden outputs of ").append(FoundationModelBuilder.MODEL_ID)
        .append(" version ").append(modelVersion)
        .append(", computed by the exported SavedModel with TensorFlow ")
        .append(tensorFlowVersion).append(".\n")
        .append("# Generated by ").append(FoundationModelBuilder.buildCommand(modelVersion))
        .append("; rebuild instead of editing.\n")
        .append("rows=").append(rows).append('\n');
    for (int row = 0; row < rows; row++) {
      appendRow(text, "window", row, windows, PatchEncoder.WINDOW_LENGTH);
      appendRow(text, "embedding", row, outputs.embedding(), PatchEncoder.EMBEDDING_DIM);
      appendRow(text, "reconstruction", row, outputs.reconstruction(),
          PatchEncoder.WINDOW_LENGTH);
      appendRow(text, "forecast", row, outputs.forecast(), PatchEncoder.HORIZON);
    }
    Files.writeString(file, text, StandardCharsets.ISO_8859_1);
  }

  private static void appendRow(StringBuilder text, String name, int row, float[] values,
      int columns) {
    text.append(name).append('.').append(row).append('=');
    for (int column = 0; column < columns; column++) {
      if (column > 0) {
        text.append(',');
      }
      text.append(Float.toString(values[row * columns + column]));
    }
    text.append('\n');
  }
}
