package io.fmad.modelbuilder;

import static io.fmad.modelbuilder.ModelFiles.deleteRecursively;
import static io.fmad.modelbuilder.ModelFiles.directorySize;
import static io.fmad.modelbuilder.ModelFiles.format;
import static io.fmad.modelbuilder.ModelFiles.installSavedModel;
import static io.fmad.modelbuilder.ModelFiles.secondsSince;
import static io.fmad.modelbuilder.ModelFiles.writeProperties;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.framework.ConfigProto;

/**
 * Trains the time-series foundation encoder {@code fmad-ts-fm} on a synthetic corpus and exports
 * it as a TensorFlow SavedModel with a {@code model.properties} description and a golden-output
 * file.
 *
 * <p>Usage, from the repository root (this is what
 * {@code scripts/build-model.sh --model fmad-ts-fm --version 2} runs; version 1 takes
 * {@code --window-normalization instance}, the default, and the fmad-ts-ae reference only):
 *
 * <pre>
 * mvn -B -q -f model-builder/pom.xml compile exec:java \
 *     -Dmodel.builder.mainClass=io.fmad.modelbuilder.FoundationModelBuilder \
 *     -Dexec.args="--output models/src/main/resources/io/fmad/models/fmad-ts-fm/2 --seed 42 \
 *     --window-normalization none \
 *     --reference-model models/src/main/resources/io/fmad/models/fmad-ts-ae/1 \
 *     --reference-model models/src/main/resources/io/fmad/models/fmad-ts-fm/1"
 * </pre>
 *
 * <p>The window normalization selects the model version: {@code instance} builds version 1,
 * which divides each window by its own standard deviation, and {@code none} builds version 2,
 * which patches the key-normalized input as it is. Version 3 is version 2 trained with
 * {@code --embedding-consistency} above 0, which adds a loss term that keeps each window's
 * embedding close to that of a noisy copy.
 *
 * <p>The SavedModel has tag {@code serve} and signature {@code serving_default} with input
 * {@code window} (float32 [-1, 64]) and outputs {@code embedding} (float32 [-1, 16]),
 * {@code reconstruction} (float32 [-1, 64]) and {@code forecast} (float32 [-1, 8], the next 8
 * points). Inputs are windows z-scored with their key's long-run mean and standard deviation and
 * clipped to [-10, 10]; outputs are on the same scale.
 *
 * <p>Every random choice derives from the seed, and TensorFlow runs with one intra-op and one
 * inter-op thread with oneDNN off, as in {@link ModelBuilder}.
 *
 * <p>NOTE: runs with the same seed are not bitwise identical. On one 2-core machine, two 3-epoch
 * runs differed in the sixth digit of the training loss, and the held-out errors of three full
 * runs agreed within 0.003. The cause was not found.
 * The run fails, and leaves the output directory unchanged, if the reloaded SavedModel does not
 * reproduce the training session's outputs.
 */
public final class FoundationModelBuilder {

  static final String MODEL_ID = "fmad-ts-fm";

  private static final Logger LOG = LoggerFactory.getLogger(FoundationModelBuilder.class);

  private static final String USAGE = String.join("\n",
      "Usage: FoundationModelBuilder --output DIR [options]",
      "  --output DIR               directory that receives saved_model.pb, variables/,"
          + " model.properties and " + FoundationExport.GOLDEN_FILE,
      "  --seed N                   seed of the corpus, initial weights, masks and batch order"
          + " (default 42)",
      "  --series N                 training series (default 30000)",
      "  --heldout-series N         held-out series for evaluation (default 2000)",
      "  --samples-per-series N     64-step windows, each with the next 8 steps, cut from each"
          + " series (default 12)",
      "  --epochs N                 passes over the training samples (default 40)",
      "  --batch-size N             samples per Adam step (default 256)",
      "  --window-normalization M   instance (version 1: divide each window by its own standard"
          + " deviation) or none (version 2: patch the key-normalized input); default instance",
      "  --embedding-consistency W  weight of the loss term that keeps a window's embedding"
          + " close to that of a copy with Gaussian noise of stddev "
          + FoundationTrainer.CONSISTENCY_NOISE_STD_DEV + " added; a weight above 0 needs"
          + " --window-normalization none and builds version 3 (default 0)",
      "  --reference-model DIR      another exported encoder whose held-out errors and embedding"
          + " noise ratio are recorded for comparison; repeat for several (default: none)");

  /** Parsed command line. */
  record Options(Path output, long seed, int series, int heldoutSeries, int samplesPerSeries,
      int epochs, int batchSize, PatchEncoder.WindowNormalization windowNormalization,
      float embeddingConsistency, List<Path> referenceModels) {

    /**
     * Returns the fmad-ts-fm version that these options build: 3 with an embedding consistency
     * weight above 0, otherwise the version of the window normalization.
     */
    int modelVersion() {
      return embeddingConsistency > 0 ? 3 : windowNormalization.modelVersion();
    }

    static Options parse(String[] args) {
      Path output = null;
      long seed = 42;
      int series = 30_000;
      int heldoutSeries = 2_000;
      int samplesPerSeries = 12;
      int epochs = 40;
      int batchSize = 256;
      PatchEncoder.WindowNormalization windowNormalization =
          PatchEncoder.WindowNormalization.INSTANCE;
      float embeddingConsistency = 0f;
      List<Path> referenceModels = new ArrayList<>();

      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("Missing value for " + option + "\n" + USAGE);
        }
        String value = args[++i];
        switch (option) {
          case "--output" -> output = Paths.get(value);
          case "--seed" -> seed = ModelBuilder.Options.parseLong(option, value);
          case "--series" -> series = ModelBuilder.Options.parsePositiveInt(option, value);
          case "--heldout-series" ->
              heldoutSeries = ModelBuilder.Options.parsePositiveInt(option, value);
          case "--samples-per-series" ->
              samplesPerSeries = ModelBuilder.Options.parsePositiveInt(option, value);
          case "--epochs" -> epochs = ModelBuilder.Options.parsePositiveInt(option, value);
          case "--batch-size" -> batchSize = ModelBuilder.Options.parsePositiveInt(option, value);
          case "--window-normalization" ->
              windowNormalization = PatchEncoder.WindowNormalization.fromOption(value);
          case "--embedding-consistency" ->
              embeddingConsistency = parseEmbeddingConsistency(option, value);
          case "--reference-model" -> referenceModels.add(Paths.get(value));
          default -> throw new IllegalArgumentException("Unknown option " + option + "\n" + USAGE);
        }
      }
      if (output == null) {
        throw new IllegalArgumentException("Missing required option --output\n" + USAGE);
      }
      // Version 3 is version 2 plus the consistency term, so it needs version 2's normalization.
      if (embeddingConsistency > 0
          && windowNormalization != PatchEncoder.WindowNormalization.NONE) {
        throw new IllegalArgumentException("--embedding-consistency above 0 requires"
            + " --window-normalization none\n" + USAGE);
      }
      return new Options(output, seed, series, heldoutSeries, samplesPerSeries, epochs,
          batchSize, windowNormalization, embeddingConsistency, List.copyOf(referenceModels));
    }

    private static float parseEmbeddingConsistency(String option, String value) {
      float weight;
      try {
        weight = Float.parseFloat(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Invalid value '" + value + "' for " + option
            + "; expected a number of 0 or more", e);
      }
      if (!(weight >= 0) || Float.isInfinite(weight)) {
        throw new IllegalArgumentException("Invalid value '" + value + "' for " + option
            + "; expected a finite number of 0 or more");
      }
      return weight;
    }
  }

  /** Held-out errors of the simple predictors, in the input's scale. */
  private record Baselines(double windowMean, double maskedVisibleMean,
      double maskedInterpolation, double forecastLastValue, double forecastWindowMean,
      double forecastSeasonalNaive) {

    static Baselines of(ForecastCorpus heldout, float[] masks) {
      int patch = PatchEncoder.PATCH_LENGTH;
      return new Baselines(
          ForecastBaselines.windowMeanReconstructionMse(heldout),
          ForecastBaselines.maskedVisibleMeanMse(heldout, masks, patch),
          ForecastBaselines.maskedLinearInterpolationMse(heldout, masks, patch),
          ForecastBaselines.lastValueForecastMse(heldout),
          ForecastBaselines.windowMeanForecastMse(heldout),
          ForecastBaselines.seasonalNaiveForecastMse(heldout));
    }
  }

  private FoundationModelBuilder() {
  }

  /** Returns the command that rebuilds version {@code modelVersion}, for file headers. */
  static String buildCommand(int modelVersion) {
    String command = "scripts/build-model.sh --model " + MODEL_ID;
    return modelVersion == 1 ? command : command + " --version " + modelVersion;
  }

  /** Builds the model. Invalid options and failed builds throw, so Maven exits non-zero. */
  public static void main(String[] args) throws IOException {
    if (List.of(args).contains("--help")) {
      System.out.println(USAGE);
      return;
    }
    build(Options.parse(args));
  }

  static void build(Options options) throws IOException {
    // Distinct streams for each random choice, all derived from the one seed.
    Random seeds = new Random(options.seed());
    long corpusSeed = seeds.nextLong();
    long heldoutSeed = seeds.nextLong();
    long initializerSeed = seeds.nextLong();
    long batchSeed = seeds.nextLong();
    long heldoutMaskSeed = seeds.nextLong();
    long noiseSeed = seeds.nextLong();
    PatchEncoder.WindowNormalization normalization = options.windowNormalization();
    int modelVersion = options.modelVersion();
    ConfigProto config = ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(1)
        .setInterOpParallelismThreads(1)
        .build();
    LOG.info("Building {} version {} (window normalization {}, embedding consistency weight {})"
        + " with TensorFlow {}, seed {}, into {}", MODEL_ID, modelVersion,
        normalization.optionValue(), options.embeddingConsistency(), TensorFlow.version(),
        options.seed(), options.output());
    if (!"0".equals(System.getenv("TF_ENABLE_ONEDNN_OPTS"))) {
      LOG.warn("TF_ENABLE_ONEDNN_OPTS is not 0, so TensorFlow uses oneDNN kernels and the"
          + " weights may differ slightly between runs with the same seed; run"
          + " scripts/build-model.sh for a reproducible build");
    }

    ForecastCorpus training = ForecastCorpus.generate(corpusSeed, options.series(),
        options.samplesPerSeries(), PatchEncoder.WINDOW_LENGTH, PatchEncoder.HORIZON);
    ForecastCorpus heldout = ForecastCorpus.generate(heldoutSeed, options.heldoutSeries(),
        options.samplesPerSeries(), PatchEncoder.WINDOW_LENGTH, PatchEncoder.HORIZON);
    float[] heldoutMasks =
        FoundationTrainer.drawMasks(heldout.sampleCount(), 1f, new Random(heldoutMaskSeed));
    Baselines baselines = Baselines.of(heldout, heldoutMasks);
    LOG.info("Generated {} training samples from {} series and {} held-out samples from {}"
        + " series; corpus checksums (Arrays.hashCode of the values): training {}, held-out {}",
        training.sampleCount(), training.seriesCount(), heldout.sampleCount(),
        heldout.seriesCount(), Integer.toHexString(Arrays.hashCode(training.values())),
        Integer.toHexString(Arrays.hashCode(heldout.values())));
    LOG.info("Held-out baselines: reconstruction by window mean {}; masked points by visible"
        + " mean {}, by linear interpolation {}; forecast by last value {}, window mean {},"
        + " seasonal naive {}", format(baselines.windowMean()),
        format(baselines.maskedVisibleMean()), format(baselines.maskedInterpolation()),
        format(baselines.forecastLastValue()), format(baselines.forecastWindowMean()),
        format(baselines.forecastSeasonalNaive()));

    Map<String, SavedModelEvaluation.Evaluation> references = new LinkedHashMap<>();
    for (Path referenceModel : options.referenceModels()) {
      String name = SavedModelEvaluation.id(referenceModel) + "."
          + SavedModelEvaluation.version(referenceModel);
      SavedModelEvaluation.Evaluation evaluation =
          SavedModelEvaluation.evaluate(referenceModel, config, heldout, noiseSeed);
      LOG.info("Reference model {} from {}: {}", name, referenceModel, summary(evaluation));
      references.put(name, evaluation);
    }

    Path workDir = Files.createTempDirectory("fmad-model-builder");
    try (FoundationTrainer trainer =
        new FoundationTrainer(initializerSeed, normalization, options.embeddingConsistency(),
            config)) {
      Random batchRandom = new Random(batchSeed);
      long startNanos = System.nanoTime();
      FoundationTrainer.Evaluation evaluation = null;
      for (int epoch = 1; epoch <= options.epochs(); epoch++) {
        double trainingLoss = trainer.trainEpoch(training, options.batchSize(), batchRandom);
        evaluation = trainer.evaluate(heldout, heldoutMasks);
        LOG.info("Epoch {}/{}: training loss {}, held-out MSE: reconstruction {}, masked {},"
            + " forecast {}, {} s", epoch, options.epochs(), format(trainingLoss),
            format(evaluation.reconstructionMse()), format(evaluation.maskedReconstructionMse()),
            format(evaluation.forecastMse()), format(secondsSince(startNanos)));
      }
      double trainingSeconds = secondsSince(startNanos);

      String checkpointPrefix = workDir.resolve("checkpoint").resolve("model").toString();
      Files.createDirectories(workDir.resolve("checkpoint"));
      trainer.saveCheckpoint(checkpointPrefix);
      Path exportDir = workDir.resolve("saved-model");
      FoundationExport.export(checkpointPrefix, exportDir, normalization, config);

      float[] goldenWindows =
          FoundationExport.goldenWindows(heldout, options.samplesPerSeries());
      int goldenRows = goldenWindows.length / PatchEncoder.WINDOW_LENGTH;
      FoundationExport.Outputs golden =
          FoundationExport.verify(exportDir, config, trainer, goldenWindows, goldenRows);
      FoundationExport.writeGolden(exportDir.resolve(FoundationExport.GOLDEN_FILE),
          goldenWindows, goldenRows, golden, modelVersion, TensorFlow.version());

      SavedModelEvaluation.Evaluation exported =
          SavedModelEvaluation.evaluate(exportDir, config, heldout, noiseSeed);
      LOG.info("Exported model on the held-out samples: {}", summary(exported));
      Map<String, String> properties = describe(options, training, heldout, evaluation,
          exported, baselines, references, trainingSeconds);
      writeProperties(exportDir.resolve("model.properties"),
          "Model card of the time-series foundation encoder.", buildCommand(modelVersion),
          FoundationModelBuilder.class, properties);
      installSavedModel(exportDir, options.output());
      long sizeBytes = directorySize(options.output());

      LOG.info("Exported {} to {}: {} parameters, {} bytes on disk, held-out MSE:"
          + " reconstruction {}, masked {}, forecast {}; trained in {} s, reload max relative"
          + " difference {}", MODEL_ID, options.output(), PatchEncoder.parameterCount(),
          sizeBytes, format(evaluation.reconstructionMse()),
          format(evaluation.maskedReconstructionMse()), format(evaluation.forecastMse()),
          format(trainingSeconds), golden.maxDifference());
    } finally {
      deleteRecursively(workDir);
    }
  }

  /**
   * Returns the model.properties entries in file order. {@code exported} is the exported model's
   * evaluation through its serving signature, and {@code references} holds the evaluations of
   * other models, keyed by {@code id.version}.
   */
  private static Map<String, String> describe(Options options, ForecastCorpus training,
      ForecastCorpus heldout, FoundationTrainer.Evaluation evaluation,
      SavedModelEvaluation.Evaluation exported, Baselines baselines,
      Map<String, SavedModelEvaluation.Evaluation> references, double trainingSeconds) {
    PatchEncoder.WindowNormalization normalization = options.windowNormalization();
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("id", MODEL_ID);
    properties.put("version", Integer.toString(options.modelVersion()));
    properties.put("engine", "TensorFlow");
    properties.put("engine.version", TensorFlow.version());
    properties.put("tags", SavedModelExport.TAG);
    properties.put("signature", SavedModelExport.SIGNATURE_KEY);
    properties.put("input.name", PatchEncoder.INPUT_NAME);
    properties.put("input.type", "float32");
    properties.put("input.length", Integer.toString(PatchEncoder.WINDOW_LENGTH));
    properties.put("input.kind", "metric-window");
    properties.put("output.embedding.name", PatchEncoder.EMBEDDING_NAME);
    properties.put("output.embedding.dim", Integer.toString(PatchEncoder.EMBEDDING_DIM));
    properties.put("output.reconstruction.name", PatchEncoder.RECONSTRUCTION_NAME);
    properties.put("output.reconstruction.dim", Integer.toString(PatchEncoder.WINDOW_LENGTH));
    properties.put("output.forecast.name", PatchEncoder.FORECAST_NAME);
    properties.put("output.forecast.length", Integer.toString(PatchEncoder.HORIZON));
    properties.put("normalization", ModelBuilder.NORMALIZATION);
    properties.put("instance.normalization", switch (normalization) {
      case INSTANCE -> "in-graph: window mean, window standard deviation floored at "
          + PatchEncoder.SCALE_FLOOR + "; outputs returned in the input's scale";
      case NONE -> "none: patches take the key-normalized input; the window mean and the log"
          + " of the window standard deviation floored at " + PatchEncoder.SCALE_FLOOR
          + " are extra encoder inputs; outputs in the input's scale";
    });
    properties.put("architecture", architecture());
    properties.put("parameters", Long.toString(PatchEncoder.parameterCount()));
    properties.put("parameters.training.only",
        Long.toString(PatchEncoder.trainingOnlyParameterCount()));
    properties.put("seed", Long.toString(options.seed()));
    properties.put("training.data", "synthetic: " + Math.round(
        100 * (1 - ForecastCorpus.OPERATIONAL_SHARE)) + "% KernelSynth-style Gaussian-process"
        + " kernel compositions, the rest operational-metric series with trends, seasonality,"
        + " noise, regime changes and spikes");
    properties.put("training.series", Integer.toString(training.seriesCount()));
    properties.put("training.samples", Integer.toString(training.sampleCount()));
    properties.put("training.objective", "masked reconstruction of the whole window plus"
        + " forecast of the next " + PatchEncoder.HORIZON + " points, mean squared error on the"
        + " input's scale" + (options.embeddingConsistency() > 0
            ? "; plus the embedding consistency weight times the mean squared distance between"
                + " the embeddings of each window and of a copy with Gaussian noise added,"
                + " divided by the batch mean squared distance between window embeddings"
            : ""));
    if (options.embeddingConsistency() > 0) {
      properties.put("training.embedding.consistency.weight",
          Float.toString(options.embeddingConsistency()));
      properties.put("training.embedding.consistency.noise.stddev",
          Float.toString(FoundationTrainer.CONSISTENCY_NOISE_STD_DEV));
      // Detector defaults that suit this model, chosen with scripts/tune.sh: its calibrated
      // scores have heavier tails than the autoencoder's, and its forecast error adds more
      // false alarms than detections in the combined detector.
      properties.put("detector.calibrated-z", "4.5");
      properties.put("detector.signals", "reconstruction,seasonal,level,range");
    }
    properties.put("training.mask.probability", Float.toString(FoundationTrainer.MASK_PROBABILITY));
    properties.put("training.mask.patches", FoundationTrainer.MIN_MASKED_PATCHES + "-"
        + FoundationTrainer.MAX_MASKED_PATCHES + " of " + PatchEncoder.PATCH_COUNT);
    properties.put("training.epochs", Integer.toString(options.epochs()));
    properties.put("training.batch.size", Integer.toString(options.batchSize()));
    properties.put("training.optimizer", "Adam");
    properties.put("training.learning.rate", Float.toString(FoundationTrainer.LEARNING_RATE));
    properties.put("training.seconds", format(trainingSeconds));
    properties.put("heldout.series", Integer.toString(heldout.seriesCount()));
    properties.put("heldout.samples", Integer.toString(heldout.sampleCount()));

    properties.put("heldout.reconstruction.mse", format(evaluation.reconstructionMse()));
    properties.put("heldout.window.mean.mse", format(baselines.windowMean()));
    references.forEach((name, reference) -> properties.put(
        "heldout." + name + ".reconstruction.mse", format(reference.reconstructionMse())));
    properties.put("heldout.masked.reconstruction.mse",
        format(evaluation.maskedReconstructionMse()));
    properties.put("heldout.masked.visible.mean.mse", format(baselines.maskedVisibleMean()));
    properties.put("heldout.masked.linear.interpolation.mse",
        format(baselines.maskedInterpolation()));
    properties.put("heldout.forecast.mse", format(evaluation.forecastMse()));
    properties.put("heldout.forecast.last.value.mse", format(baselines.forecastLastValue()));
    properties.put("heldout.forecast.window.mean.mse", format(baselines.forecastWindowMean()));
    properties.put("heldout.forecast.seasonal.naive.mse",
        format(baselines.forecastSeasonalNaive()));
    references.forEach((name, reference) -> {
      if (!Double.isNaN(reference.forecastMse())) {
        properties.put("heldout." + name + ".forecast.mse", format(reference.forecastMse()));
      }
    });

    properties.put("heldout.embedding.noise.stddev",
        Float.toString(SavedModelEvaluation.NOISE_STD_DEV));
    properties.put("heldout.quiet.window.stddev.below",
        Double.toString(SavedModelEvaluation.QUIET_STD_DEV));
    properties.put("heldout.quiet.windows", Integer.toString(exported.quietWindows()));
    properties.put("heldout.embedding.noise.ratio", format(exported.embeddingNoiseRatio()));
    properties.put("heldout.quiet.embedding.noise.ratio",
        format(exported.quietEmbeddingNoiseRatio()));
    references.forEach((name, reference) -> {
      properties.put("heldout." + name + ".embedding.noise.ratio",
          format(reference.embeddingNoiseRatio()));
      properties.put("heldout." + name + ".quiet.embedding.noise.ratio",
          format(reference.quietEmbeddingNoiseRatio()));
    });
    properties.put("golden.file", FoundationExport.GOLDEN_FILE);
    return properties;
  }

  /** Formats an evaluation for the log. */
  private static String summary(SavedModelEvaluation.Evaluation evaluation) {
    return "reconstruction MSE " + format(evaluation.reconstructionMse()) + ", forecast MSE "
        + (Double.isNaN(evaluation.forecastMse()) ? "none" : format(evaluation.forecastMse()))
        + ", embedding noise ratio " + format(evaluation.embeddingNoiseRatio()) + ", on "
        + evaluation.quietWindows() + " quiet windows "
        + format(evaluation.quietEmbeddingNoiseRatio());
  }

  private static String architecture() {
    return "patch MLP: " + PatchEncoder.PATCH_COUNT + " patches of " + PatchEncoder.PATCH_LENGTH
        + ", shared projection to " + PatchEncoder.PATCH_DIM + " plus position vector, elu;"
        + " dense " + (PatchEncoder.PATCH_COUNT * PatchEncoder.PATCH_DIM + 2) + "-"
        + PatchEncoder.HIDDEN + " elu, linear embedding " + PatchEncoder.EMBEDDING_DIM
        + "; decoder " + PatchEncoder.EMBEDDING_DIM + "-" + PatchEncoder.HIDDEN + "-"
        + PatchEncoder.HIDDEN + " elu; linear heads " + PatchEncoder.WINDOW_LENGTH
        + " (reconstruction) and " + PatchEncoder.HORIZON + " (forecast)";
  }
}
