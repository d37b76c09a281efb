package io.fmad.modelbuilder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KernelSynthGeneratorTest {

  @Test
  void next_sameSeedSameSeries() {
    KernelSynthGenerator first = new KernelSynthGenerator(new Random(3));
    KernelSynthGenerator second = new KernelSynthGenerator(new Random(3));

    for (int i = 0; i < 20; i++) {
      assertThat(second.next(200)).as("series %d", i).containsExactly(first.next(200));
    }
  }

  @Test
  void next_valuesFiniteAndMostSeriesVary() {
    KernelSynthGenerator generator = new KernelSynthGenerator(new Random(11));
    int varying = 0;

    for (int i = 0; i < 200; i++) {
      double[] series = generator.next(300);
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double value : series) {
        assertThat(Double.isFinite(value)).as("series %d", i).isTrue();
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
      if (max - min > 1e-6) {
        varying++;
      }
    }

    // Only a composition of constant components gives a flat series.
    assertThat(varying).isGreaterThan(180);
  }
}
