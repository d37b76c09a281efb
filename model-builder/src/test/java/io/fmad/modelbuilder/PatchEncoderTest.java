package io.fmad.modelbuilder;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.modelbuilder.PatchEncoder.WindowNormalization;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class PatchEncoderTest {

  @ParameterizedTest
  @EnumSource(WindowNormalization.class)
  void parameterCount_matchesServingGraphVariables(WindowNormalization normalization) {
    try (Graph graph = new Graph()) {
      PatchEncoder.buildForRestore(Ops.create(graph), normalization);

      assertThat(variableSize(graph)).isEqualTo(PatchEncoder.parameterCount());
    }
  }

  @ParameterizedTest
  @EnumSource(WindowNormalization.class)
  void trainingGraph_addsOnlyMaskToken(WindowNormalization normalization) {
    try (Graph graph = new Graph()) {
      PatchEncoder.buildForTraining(Ops.create(graph), 1, normalization);

      assertThat(variableSize(graph)).isEqualTo(
          PatchEncoder.parameterCount() + PatchEncoder.trainingOnlyParameterCount());
    }
  }

  @ParameterizedTest
  @EnumSource(WindowNormalization.class)
  void servingGraph_hasNoMaskInput(WindowNormalization normalization) {
    try (Graph graph = new Graph()) {
      PatchEncoder.Endpoints endpoints =
          PatchEncoder.buildForRestore(Ops.create(graph), normalization);

      assertThat(endpoints.mask()).isNull();
      assertThat(graph.operation("patch_mask")).isNull();
      assertThat(endpoints.forecast().shape().asArray())
          .containsExactly(Shape.UNKNOWN_SIZE, PatchEncoder.HORIZON);
      assertThat(endpoints.embedding().shape().asArray())
          .containsExactly(Shape.UNKNOWN_SIZE, PatchEncoder.EMBEDDING_DIM);
      assertThat(endpoints.reconstruction().shape().asArray())
          .containsExactly(Shape.UNKNOWN_SIZE, PatchEncoder.WINDOW_LENGTH);
    }
  }

  @Test
  void noisyCopy_sharesWeightsWithWindow() {
    try (Graph graph = new Graph()) {
      PatchEncoder.Endpoints endpoints = PatchEncoder.buildForTraining(
          Ops.create(graph), 1, WindowNormalization.NONE, true);

      assertThat(variableSize(graph)).isEqualTo(
          PatchEncoder.parameterCount() + PatchEncoder.trainingOnlyParameterCount());
      float[] windows = new float[2 * PatchEncoder.WINDOW_LENGTH];
      for (int i = 0; i < windows.length; i++) {
        windows[i] = (float) Math.sin(0.3 * i);
      }
      float[] masks = new float[2 * PatchEncoder.PATCH_COUNT];
      masks[PatchEncoder.PATCH_COUNT + 3] = 1;
      try (Session session = new Session(graph);
          TFloat32 window = Trainer.tensorOf(windows, 2, PatchEncoder.WINDOW_LENGTH);
          TFloat32 mask = Trainer.tensorOf(masks, 2, PatchEncoder.PATCH_COUNT)) {
        session.initialize();
        try (Result result = session.runner()
            .feed(endpoints.window(), window)
            .feed(endpoints.noisyWindow(), window)
            .feed(endpoints.mask(), mask)
            .fetch(endpoints.embedding())
            .fetch(endpoints.noisyEmbedding())
            .run()) {
          float[] embedding = Trainer.toArray((TFloat32) result.get(0));
          float[] noisyEmbedding = Trainer.toArray((TFloat32) result.get(1));

          assertThat(noisyEmbedding).containsExactly(embedding);
        }
      }
    }
  }

  @Test
  void trainingGraph_withoutNoisyCopyHasNoNoisyInput() {
    try (Graph graph = new Graph()) {
      PatchEncoder.Endpoints endpoints =
          PatchEncoder.buildForTraining(Ops.create(graph), 1, WindowNormalization.NONE);

      assertThat(endpoints.noisyWindow()).isNull();
      assertThat(endpoints.noisyEmbedding()).isNull();
    }
  }

  @Test
  void windowNormalization_optionValuesMapToVersions() {
    assertThat(WindowNormalization.fromOption("instance")).isEqualTo(WindowNormalization.INSTANCE);
    assertThat(WindowNormalization.fromOption("none")).isEqualTo(WindowNormalization.NONE);
    assertThat(WindowNormalization.INSTANCE.modelVersion()).isEqualTo(1);
    assertThat(WindowNormalization.NONE.modelVersion()).isEqualTo(2);
  }

  private static long variableSize(Graph graph) {
    long total = 0;
    Iterator<GraphOperation> operations = graph.operations();
    while (operations.hasNext()) {
      GraphOperation operation = operations.next();
      if (operation.type().equals("VariableV2")) {
        total += operation.output(0).shape().size();
      }
    }
    return total;
  }
}
