package io.fmad.modelbuilder;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.types.TFloat32;
import org.tensorflow.proto.framework.ConfigProto;

/**
 * Evaluates another exported window encoder, such as fmad-ts-ae, on the same held-out windows,
 * so that the model card can compare reconstruction errors on one corpus.
 */
final class ReferenceModel {

  private static final int BATCH_SIZE = 4096;

  private ReferenceModel() {
  }

  /** Returns the {@code id} property of the model.properties file in {@code directory}. */
  static String id(Path directory) throws IOException {
    Path file = directory.resolve("model.properties");
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    String id = properties.getProperty("id");
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("Missing property 'id' in " + file);
    }
    return id.trim();
  }

  /**
   * Returns the mean squared error between the inputs of {@code corpus} and the
   * {@code reconstruction} output of the SavedModel in {@code directory}, which must take a
   * {@code window} input of the corpus's input length.
   */
  static double reconstructionMse(Path directory, ConfigProto config, ForecastCorpus corpus) {
    int length = corpus.inputLength();
    double squaredErrorSum = 0;
    try (SavedModelBundle bundle = SavedModelBundle.loader(directory.toString())
        .withTags(SavedModelExport.TAG)
        .withConfigProto(config)
        .load()) {
      for (int start = 0; start < corpus.sampleCount(); start += BATCH_SIZE) {
        int rows = Math.min(BATCH_SIZE, corpus.sampleCount() - start);
        float[] inputs = new float[rows * length];
        for (int row = 0; row < rows; row++) {
          corpus.copyInput(start + row, inputs, row);
        }
        try (TFloat32 input = Trainer.tensorOf(inputs, rows, length);
            Result result = bundle.function(SavedModelExport.SIGNATURE_KEY)
                .call(Map.of(PatchEncoder.INPUT_NAME, input))) {
          TFloat32 output = (TFloat32) result.get(PatchEncoder.RECONSTRUCTION_NAME)
              .orElseThrow(() -> new IllegalStateException("Reference model " + directory
                  + " has no output " + PatchEncoder.RECONSTRUCTION_NAME));
          float[] reconstruction = Trainer.toArray(output);
          for (int i = 0; i < inputs.length; i++) {
            double error = reconstruction[i] - inputs[i];
            squaredErrorSum += error * error;
          }
        }
      }
    }
    return squaredErrorSum / ((double) corpus.sampleCount() * length);
  }
}
