package io.fmad.modelbuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ForecastCorpusTest {

  @Test
  void corpus_sameSeedSameValues() {
    ForecastCorpus first = ForecastCorpus.generate(42, 20, 3, 64, 8);
    ForecastCorpus second = ForecastCorpus.generate(42, 20, 3, 64, 8);

    assertThat(second.values()).containsExactly(first.values());
    assertThat(first.sampleCount()).isEqualTo(60);
    assertThat(first.sampleLength()).isEqualTo(72);
  }

  @Test
  void corpus_otherSeedOtherValues() {
    ForecastCorpus first = ForecastCorpus.generate(42, 20, 3, 64, 8);
    ForecastCorpus other = ForecastCorpus.generate(43, 20, 3, 64, 8);

    assertThat(other.values()).isNotEqualTo(first.values());
  }

  @Test
  void corpus_valuesFiniteAndClipped() {
    ForecastCorpus corpus = ForecastCorpus.generate(7, 100, 2, 64, 8);

    for (float value : corpus.values()) {
      assertThat(Float.isFinite(value)).isTrue();
      assertThat(Math.abs(value)).isLessThanOrEqualTo(SyntheticCorpus.CLIP);
    }
  }

  @Test
  void target_startsNextInput() {
    ForecastCorpus corpus = ForecastCorpus.generate(5, 4, 3, 64, 8);
    float[] target = new float[8];
    float[] nextInput = new float[64];

    corpus.copyTarget(0, target, 0);
    corpus.copyInput(1, nextInput, 0);

    for (int h = 0; h < 8; h++) {
      assertThat(target[h]).as("target step %d", h).isEqualTo(nextInput[h]);
      assertThat(corpus.value(0, 64 + h)).isEqualTo(target[h]);
    }
  }

  @Test
  void generate_rejectsEmptySizes() {
    assertThatThrownBy(() -> ForecastCorpus.generate(1, 10, 2, 64, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be positive");
  }
}
