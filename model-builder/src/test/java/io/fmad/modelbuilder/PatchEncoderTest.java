package io.fmad.modelbuilder;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.modelbuilder.PatchEncoder.WindowNormalization;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

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
