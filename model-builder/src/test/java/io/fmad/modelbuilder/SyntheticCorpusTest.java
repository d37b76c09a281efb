package io.fmad.modelbuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SyntheticCorpusTest {

  @Test
  void corpus_sameSeedSameWindows() {
    SyntheticCorpus first = SyntheticCorpus.generate(42, 20, 5, 64);
    SyntheticCorpus second = SyntheticCorpus.generate(42, 20, 5, 64);

    assertThat(second.windows()).containsExactly(first.windows());
    assertThat(first.windowCount()).isEqualTo(100);
  }

  @Test
  void corpus_otherSeedOtherWindows() {
    SyntheticCorpus first = SyntheticCorpus.generate(42, 20, 5, 64);
    SyntheticCorpus other = SyntheticCorpus.generate(43, 20, 5, 64);

    assertThat(other.windows()).isNotEqualTo(first.windows());
  }

  @Test
  void corpus_valuesFiniteAndClipped() {
    SyntheticCorpus corpus = SyntheticCorpus.generate(7, 50, 4, 64);

    for (float value : corpus.windows()) {
      assertThat(Float.isFinite(value)).isTrue();
      assertThat(Math.abs(value)).isLessThanOrEqualTo(SyntheticCorpus.CLIP);
    }
  }

  @Test
  void normalizeAndClip_constantSeriesBecomesZeros() {
    double[] series = {5, 5, 5, 5};

    SyntheticCorpus.normalizeAndClip(series);

    assertThat(series).containsOnly(0.0);
  }

  @Test
  void generate_rejectsEmptySizes() {
    assertThatThrownBy(() -> SyntheticCorpus.generate(1, 0, 5, 64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }
}
