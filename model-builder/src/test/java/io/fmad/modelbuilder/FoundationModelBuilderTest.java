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
