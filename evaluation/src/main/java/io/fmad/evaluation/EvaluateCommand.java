package io.fmad.evaluation;

import io.fmad.evaluation.detectors.CorpusDetector;
import io.fmad.evaluation.detectors.CorpusScores;
import io.fmad.evaluation.detectors.FmadDetector;
import io.fmad.evaluation.detectors.RandomCutForestDetector;
import io.fmad.evaluation.detectors.WindowedZScoreDetector;
import io.fmad.evaluation.nab.DataFile;
import io.fmad.evaluation.nab.DetectorResultsWriter;
import io.fmad.evaluation.nab.NabCorpus;
import io.fmad.evaluation.nab.NabDatasetLocator;
import io.fmad.evaluation.nab.NabReport;
import io.fmad.evaluation.nab.NabScorer;
import io.fmad.evaluation.nab.Profile;
import io.fmad.evaluation.nab.ProfileResult;
import io.fmad.evaluation.nab.ScoreSummary;
import io.fmad.job.FmadPipeline;
import io.fmad.job.config.ConfigLoader;
import io.fmad.job.config.FmadConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Evaluates fmad and the baselines on a labeled corpus in NAB's layout, with NAB's scoring.
 *
 * <pre>
 * EvaluateCommand [--corpus NAB_DIR] [--output DIR] [--detectors fmad,randomCutForest,windowedZScore]
 *                 [--subset PREFIX] [--parallelism N] [--OPTION VALUE ...]
 * </pre>
 *
 * <p>fmad runs the job's own detection stages with the job's configuration (defaults plus any
 * {@code --OPTION VALUE}); each baseline runs in the same process over the same rows. Every
 * detector reads each file as one key, in time order, with no lookahead. The command writes one
 * score per row in NAB's results layout, prints the three profiles' scores at the corpus-wide best
 * threshold, and fmad's score at its configured alert threshold and for its actual alerts.
 */
public final class EvaluateCommand {

    /** All detectors, by name, in report order. */
    static final List<String> DETECTORS = List.of("fmad", "randomCutForest", "windowedZScore");

    /** Suffix of the results folder with a detector's alert rows. */
    static final String ALERTS_SUFFIX = "Alerts";

    private final PrintStream out;
    private final PrintStream progress;

    EvaluateCommand(PrintStream out, PrintStream progress) {
        this.out = out;
        this.progress = progress;
    }

    public static void main(String[] args) throws Exception {
        int status;
        try {
            status = new EvaluateCommand(System.out, System.err).run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    /** Settings of one evaluation; unknown options go to the job configuration. */
    static final class Options {
        Path corpus;
        Path output;
        List<String> detectors = DETECTORS;
        String subset;
        int parallelism = 2;
        final List<String> jobArgs = new ArrayList<>();
        FmadConfig config;
    }

    /** Results of one detector. */
    record Evaluation(String detector, CorpusScores scores, NabReport best, double seconds) {}

    int run(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            out.println("Usage: evaluate.sh [--corpus NAB_DIR] [--output DIR] [--detectors "
                    + String.join(",", DETECTORS) + "] [--subset PREFIX] [--parallelism N] [--OPTION VALUE ...]\n\n"
                    + "Job options:\n" + ConfigLoader.describeOptions());
            return 0;
        }
        Options options = parse(args);
        NabCorpus corpus = loadCorpus(options);
        List<SeriesData> series = toSeries(corpus);
        out.printf(Locale.ROOT, "Corpus %s: %d files, %,d rows, %d labeled windows%n",
                options.corpus, corpus.files().size(), corpus.rowCount(), corpus.windowCount());

        NabScorer scorer = new NabScorer(corpus);
        List<Evaluation> evaluations = new ArrayList<>();
        for (String name : options.detectors) {
            CorpusDetector detector = create(name, options);
            ProgressBar bar = new ProgressBar(progress, name, corpus.rowCount());
            CorpusScores scores = detector.scoreAll(series, bar::update);
            bar.finish();
            evaluations.add(new Evaluation(name, scores, scorer.score(scores.scores()), bar.elapsedSeconds()));
        }

        Files.createDirectories(options.output);
        writeResults(options.output.resolve("results"), scorer, corpus, evaluations);
        String table = summaryTable(scorer, evaluations, options.config.threshold);
        out.println();
        out.print(table);
        Files.writeString(options.output.resolve("summary.md"), table);
        Path report = EvaluationReport.write(options.output.resolve("report.html"), corpus, scorer, evaluations,
                options.config.threshold, ("scripts/evaluate.sh " + String.join(" ", args)).trim());
        out.printf("%nResults in %s; report %s%n", options.output.resolve("results"), report);
        return 0;
    }

    static Options parse(String[] args) {
        Options options = new Options();
        for (int i = 0; i < args.length; i++) {
            String argument = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (argument) {
                case "--corpus" -> options.corpus = Path.of(require(argument, value));
                case "--output" -> options.output = Path.of(require(argument, value));
                case "--subset" -> options.subset = require(argument, value);
                case "--detectors" -> options.detectors = parseDetectors(require(argument, value));
                case "--parallelism" -> options.parallelism = parseParallelism(require(argument, value));
                default -> {
                    options.jobArgs.add(argument);
                    continue;
                }
            }
            i++;
        }
        if (options.corpus == null) {
            options.corpus = NabDatasetLocator.locate().orElseThrow(() -> new IllegalArgumentException(
                    "NAB data not found: pass --corpus NAB_DIR, or set " + NabDatasetLocator.DATASETS_ENV
                            + " to the folder that contains nab/"));
        }
        if (options.output == null) {
            String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").format(LocalDateTime.now(ZoneOffset.UTC));
            options.output = Path.of("target", "evaluation", stamp);
        }
        options.config = FmadConfig.from(ConfigLoader.load(options.jobArgs.toArray(new String[0])));
        FmadPipeline.validateModel(options.config);
        return options;
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException("Missing value for " + option);
        }
        return value;
    }

    private static List<String> parseDetectors(String value) {
        List<String> detectors = new ArrayList<>();
        for (String name : value.split(",")) {
            String trimmed = name.trim();
            if (!DETECTORS.contains(trimmed)) {
                throw new IllegalArgumentException(
                        "Invalid value '" + trimmed + "' for --detectors: expected a comma-separated subset of " + DETECTORS);
            }
            detectors.add(trimmed);
        }
        return detectors;
    }

    private static int parseParallelism(String value) {
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1 && parsed <= 64) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw new IllegalArgumentException("Invalid value '" + value + "' for --parallelism: expected an integer from 1 to 64");
    }

    static NabCorpus loadCorpus(Options options) throws IOException {
        NabCorpus corpus;
        try {
            corpus = NabCorpus.load(options.corpus);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Failed to read the NAB corpus at " + options.corpus + ": " + e.getMessage(), e);
        }
        if (options.subset == null) {
            return corpus;
        }
        List<String> names = corpus.fileNames().stream().filter(name -> name.startsWith(options.subset)).toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("Invalid value '" + options.subset + "' for --subset: no file name starts with it");
        }
        return corpus.subset(names);
    }

    static List<SeriesData> toSeries(NabCorpus corpus) {
        List<SeriesData> series = new ArrayList<>();
        for (DataFile file : corpus.files()) {
            series.add(new SeriesData(file.name(), epochMillis(file), file.values()));
        }
        return series;
    }

    /** Returns the rows' timestamps in epoch milliseconds; NAB timestamps are UTC. */
    static long[] epochMillis(DataFile file) {
        long[] millis = new long[file.rowCount()];
        for (int row = 0; row < millis.length; row++) {
            millis[row] = epochMillis(file, row);
        }
        return millis;
    }

    static long epochMillis(DataFile file, int row) {
        return file.timestamp(row).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static CorpusDetector create(String name, Options options) {
        return switch (name) {
            case "fmad" -> new FmadDetector(options.config, options.parallelism);
            case "randomCutForest" -> new RandomCutForestDetector();
            case "windowedZScore" -> new WindowedZScoreDetector(WindowedZScoreDetector.DEFAULT_WINDOW);
            default -> throw new IllegalArgumentException("Unknown detector " + name);
        };
    }

    /**
     * Writes each detector's per-row scores in NAB's results layout, and for a detector that emits
     * alerts also its alert rows as the detector {@code <name>Alerts} (1 on alert rows), so the
     * headline result can be scored again from the files.
     */
    private static void writeResults(Path root, NabScorer scorer, NabCorpus corpus, List<Evaluation> evaluations)
            throws IOException {
        for (Evaluation evaluation : evaluations) {
            writeDetector(root, corpus, evaluation.detector(), evaluation.scores().scores(), evaluation.best());
            if (evaluation.scores().alerts() != null) {
                Map<String, double[]> alerts = asScores(evaluation.scores().alerts());
                writeDetector(root, corpus, evaluation.detector() + ALERTS_SUFFIX, alerts, scorer.score(alerts));
            }
        }
    }

    private static void writeDetector(
            Path root, NabCorpus corpus, String detector, Map<String, double[]> scores, NabReport report)
            throws IOException {
        for (DataFile file : corpus.files()) {
            DetectorResultsWriter.write(root, detector, file, scores.get(file.name()), true);
        }
        for (ProfileResult result : report.results().values()) {
            ScoreSummary.write(root, detector, result);
        }
    }

    /** Renders the results as a Markdown table, which reads well on a terminal too. */
    static String summaryTable(NabScorer scorer, List<Evaluation> evaluations, double alertThreshold) {
        StringBuilder table = new StringBuilder();
        table.append("| detector | standard | low FP | low FN | threshold (standard) | TP | FP | FN | runtime |\n");
        table.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Evaluation evaluation : evaluations) {
            ProfileResult standard = evaluation.best().get(Profile.STANDARD);
            boolean fmad = evaluation.detector().equals("fmad");
            String runtime = String.format(Locale.ROOT, "%.1f s", evaluation.seconds());
            if (fmad && evaluation.scores().alerts() != null) {
                NabReport alerts = scorer.scoreAt(asScores(evaluation.scores().alerts()), 0.5);
                table.append(row("fmad (alerts emitted)",
                        alerts.normalizedScore(Profile.STANDARD),
                        alerts.normalizedScore(Profile.REWARD_LOW_FP_RATE),
                        alerts.normalizedScore(Profile.REWARD_LOW_FN_RATE),
                        "alerts", alerts.get(Profile.STANDARD), runtime));
                runtime = "";
            }
            table.append(row(evaluation.detector() + (fmad ? " (per-window score, best threshold)" : " (best threshold)"),
                    evaluation.best().normalizedScore(Profile.STANDARD),
                    evaluation.best().normalizedScore(Profile.REWARD_LOW_FP_RATE),
                    evaluation.best().normalizedScore(Profile.REWARD_LOW_FN_RATE),
                    String.format(Locale.ROOT, "%.4f", standard.threshold()), standard, runtime));
            if (fmad) {
                NabReport atThreshold = scorer.scoreAt(evaluation.scores().scores(), alertThreshold);
                table.append(row(String.format(Locale.ROOT, "fmad (per-window score at %s)", alertThreshold),
                        atThreshold.normalizedScore(Profile.STANDARD),
                        atThreshold.normalizedScore(Profile.REWARD_LOW_FP_RATE),
                        atThreshold.normalizedScore(Profile.REWARD_LOW_FN_RATE),
                        String.format(Locale.ROOT, "%.4f", alertThreshold), atThreshold.get(Profile.STANDARD), ""));
            }
        }
        return table.toString();
    }

    private static String row(String name, double standard, double lowFp, double lowFn, String threshold,
                              ProfileResult result, String runtime) {
        return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %s | %d | %d | %d | %s |%n",
                name, standard, lowFp, lowFn, threshold,
                result.counts().tp(), result.counts().fp(), result.counts().fn(), runtime);
    }

    /** Turns per-row alert flags into scores of 1 and 0, so NAB can score the alert stream. */
    static Map<String, double[]> asScores(Map<String, boolean[]> alerts) {
        Map<String, double[]> scores = new LinkedHashMap<>();
        alerts.forEach((name, flags) -> {
            double[] rows = new double[flags.length];
            for (int i = 0; i < flags.length; i++) {
                rows[i] = flags[i] ? 1.0 : 0.0;
            }
            scores.put(name, rows);
        });
        return scores;
    }

}
