package io.fmad.modelbuilder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

class PatchEncoderTest {

  @Test
  void parameterCount_matchesServingGraphVariables() {
    try (Graph graph = new Graph()) {
      PatchEncoder.buildForRestore(Ops.create(graph));

      assertThat(variableSize(graph)).isEqualTo(PatchEncoder.parameterCount());
    }
  }

  @Test
  void trainingGraph_addsOnlyMaskToken() {
    try (Graph graph = new Graph()) {
      PatchEncoder.buildForTraining(Ops.create(graph), 1);

      assertThat(variableSize(graph)).isEqualTo(
          PatchEncoder.parameterCount() + PatchEncoder.trainingOnlyParameterCount());
    }
  }

  @Test
  void servingGraph_hasNoMaskInput() {
    try (Graph graph = new Graph()) {
      PatchEncoder.Endpoints endpoints = PatchEncoder.buildForRestore(Ops.create(graph));

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
