package io.fmad.modelbuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoundationModelBuilderTest {

  @Test
  void build_tinyCorpusExportsModelCardAndGolden(@TempDir Path directory) throws IOException {
    Path output = directory.resolve("fmad-ts-fm").resolve("1");
    FoundationModelBuilder.Options options = FoundationModelBuilder.Options.parse(new String[] {
        "--output", output.toString(), "--series", "40", "--heldout-series", "4",
        "--samples-per-series", "2", "--epochs", "1", "--batch-size", "16"});

    FoundationModelBuilder.build(options);

    assertThat(output.resolve("saved_model.pb")).isRegularFile();
    assertThat(output.resolve("variables").resolve("variables.index")).isRegularFile();
    Properties card = load(output.resolve("model.properties"));
    assertThat(card.getProperty("id")).isEqualTo("fmad-ts-fm");
    assertThat(card.getProperty("output.forecast.name")).isEqualTo("forecast");
    assertThat(card.getProperty("output.forecast.length")).isEqualTo("8");
    assertThat(card.getProperty("parameters"))
        .isEqualTo(Long.toString(PatchEncoder.parameterCount()));
    assertThat(card.getProperty("heldout.forecast.seasonal.naive.mse")).isNotBlank();

    Properties golden = load(output.resolve(FoundationExport.GOLDEN_FILE));
    assertThat(golden.getProperty("rows")).isEqualTo("8");
    for (String name : new String[] {"window", "embedding", "reconstruction", "forecast"}) {
      for (int row = 0; row < 8; row++) {
        assertThat(golden.getProperty(name + "." + row)).as("%s.%d", name, row).isNotBlank();
      }
    }
    assertThat(golden.getProperty("forecast.0").split(",")).hasSize(8);
  }

  @Test
  void build_noNormalizationWritesVersion2(@TempDir Path directory) throws IOException {
    Path reference = directory.resolve("fmad-ts-fm").resolve("1");
    FoundationModelBuilder.build(FoundationModelBuilder.Options.parse(new String[] {
        "--output", reference.toString(), "--series", "40", "--heldout-series", "4",
        "--samples-per-series", "2", "--epochs", "1", "--batch-size", "16"}));
    Path output = directory.resolve("fmad-ts-fm").resolve("2");
    FoundationModelBuilder.Options options = FoundationModelBuilder.Options.parse(new String[] {
        "--output", output.toString(), "--series", "40", "--heldout-series", "4",
        "--samples-per-series", "2", "--epochs", "1", "--batch-size", "16",
        "--window-normalization", "none", "--reference-model", reference.toString()});

    FoundationModelBuilder.build(options);

    Properties card = load(output.resolve("model.properties"));
    assertThat(card.getProperty("version")).isEqualTo("2");
    assertThat(card.getProperty("instance.normalization")).startsWith("none:");
    assertThat(card.getProperty("parameters"))
        .isEqualTo(Long.toString(PatchEncoder.parameterCount()));
    assertThat(card.getProperty("heldout.fmad-ts-fm.1.reconstruction.mse")).isNotBlank();
    assertThat(card.getProperty("heldout.fmad-ts-fm.1.forecast.mse")).isNotBlank();
    assertThat(card.getProperty("heldout.fmad-ts-fm.1.embedding.noise.ratio")).isNotBlank();
    assertThat(card.getProperty("heldout.embedding.noise.ratio")).isNotBlank();
    String golden = Files.readString(output.resolve(FoundationExport.GOLDEN_FILE),
        StandardCharsets.ISO_8859_1);
    assertThat(golden).startsWith("# Golden outputs of fmad-ts-fm version 2,");
    assertThat(golden).contains("scripts/build-model.sh --model fmad-ts-fm --version 2;");
  }

  @Test
  void build_embeddingConsistencyWritesVersion3(@TempDir Path directory) throws IOException {
    Path output = directory.resolve("fmad-ts-fm").resolve("3");
    FoundationModelBuilder.Options options = FoundationModelBuilder.Options.parse(new String[] {
        "--output", output.toString(), "--series", "40", "--heldout-series", "4",
        "--samples-per-series", "2", "--epochs", "1", "--batch-size", "16",
        "--window-normalization", "none", "--embedding-consistency", "2.5"});

    FoundationModelBuilder.build(options);

    Properties card = load(output.resolve("model.properties"));
    assertThat(card.getProperty("version")).isEqualTo("3");
    assertThat(card.getProperty("instance.normalization")).startsWith("none:");
    assertThat(card.getProperty("training.embedding.consistency.weight")).isEqualTo("2.5");
    assertThat(card.getProperty("training.embedding.consistency.noise.stddev")).isEqualTo("0.1");
    assertThat(card.getProperty("training.objective")).contains("embedding consistency");
    assertThat(card.getProperty("heldout.embedding.noise.ratio")).isNotBlank();
    String golden = Files.readString(output.resolve(FoundationExport.GOLDEN_FILE),
        StandardCharsets.ISO_8859_1);
    assertThat(golden).startsWith("# Golden outputs of fmad-ts-fm version 3,");
    assertThat(golden).contains("scripts/build-model.sh --model fmad-ts-fm --version 3;");
  }

  @Test
  void build_zeroConsistencyCardHasNoConsistencyKeys(@TempDir Path directory)
      throws IOException {
    Path output = directory.resolve("fmad-ts-fm").resolve("2");
    FoundationModelBuilder.build(FoundationModelBuilder.Options.parse(new String[] {
        "--output", output.toString(), "--series", "40", "--heldout-series", "4",
        "--samples-per-series", "2", "--epochs", "1", "--batch-size", "16",
        "--window-normalization", "none", "--embedding-consistency", "0"}));

    Properties card = load(output.resolve("model.properties"));
    assertThat(card.getProperty("version")).isEqualTo("2");
    assertThat(card.getProperty("training.embedding.consistency.weight")).isNull();
    assertThat(card.getProperty("training.objective")).doesNotContain("consistency");
  }

  @Test
  void parse_defaultsToInstanceNormalization() {
    FoundationModelBuilder.Options options =
        FoundationModelBuilder.Options.parse(new String[] {"--output", "x"});

    assertThat(options.windowNormalization())
        .isEqualTo(PatchEncoder.WindowNormalization.INSTANCE);
    assertThat(options.windowNormalization().modelVersion()).isEqualTo(1);
    assertThat(options.embeddingConsistency()).isZero();
    assertThat(options.modelVersion()).isEqualTo(1);
    assertThat(options.referenceModels()).isEmpty();
  }

  @Test
  void parse_consistencyWithNoNormalizationIsVersion3() {
    FoundationModelBuilder.Options options = FoundationModelBuilder.Options.parse(new String[] {
        "--output", "x", "--window-normalization", "none", "--embedding-consistency", "10"});

    assertThat(options.embeddingConsistency()).isEqualTo(10f);
    assertThat(options.modelVersion()).isEqualTo(3);
  }

  @Test
  void parse_rejectsConsistencyWithInstanceNormalization() {
    assertThatThrownBy(() -> FoundationModelBuilder.Options.parse(
        new String[] {"--output", "x", "--embedding-consistency", "1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--embedding-consistency above 0 requires"
            + " --window-normalization none");
  }

  @Test
  void parse_rejectsNegativeOrNonNumericConsistency() {
    for (String value : new String[] {"-1", "abc", "NaN", "Infinity"}) {
      assertThatThrownBy(() -> FoundationModelBuilder.Options.parse(new String[] {
          "--output", "x", "--window-normalization", "none", "--embedding-consistency", value}))
          .as("value %s", value)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Invalid value '" + value + "' for --embedding-consistency");
    }
  }

  @Test
  void parse_collectsRepeatedReferenceModels() {
    FoundationModelBuilder.Options options = FoundationModelBuilder.Options.parse(new String[] {
        "--output", "x", "--reference-model", "a", "--reference-model", "b"});

    assertThat(options.referenceModels()).containsExactly(Path.of("a"), Path.of("b"));
  }

  @Test
  void parse_rejectsInvalidWindowNormalization() {
    assertThatThrownBy(() -> FoundationModelBuilder.Options.parse(
        new String[] {"--output", "x", "--window-normalization", "revin"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid value 'revin' for --window-normalization");
  }

  @Test
  void parse_rejectsUnknownOption() {
    assertThatThrownBy(() -> FoundationModelBuilder.Options.parse(
        new String[] {"--output", "x", "--windows-per-series", "3"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unknown option --windows-per-series");
  }

  @Test
  void drawMasks_twoOrThreePatchesPerRow() {
    float[] masks = FoundationTrainer.drawMasks(500, 1f, new Random(1));

    for (int row = 0; row < 500; row++) {
      int masked = 0;
      for (int patch = 0; patch < PatchEncoder.PATCH_COUNT; patch++) {
        masked += (int) masks[row * PatchEncoder.PATCH_COUNT + patch];
      }
      assertThat(masked).as("row %d", row).isBetween(2, 3);
    }
  }

  @Test
  void drawMasks_zeroProbabilityMasksNothing() {
    assertThat(FoundationTrainer.drawMasks(50, 0f, new Random(1))).containsOnly(0f);
  }

  private static Properties load(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      properties.load(reader);
    }
    return properties;
  }
}
