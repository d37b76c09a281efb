package io.fmad.evaluation;

import io.fmad.evaluation.detectors.DetectorReplay;
import io.fmad.evaluation.detectors.FmadDetector;
import io.fmad.evaluation.nab.AnomalyWindow;
import io.fmad.evaluation.nab.DataFile;
import io.fmad.evaluation.nab.NabCorpus;
import io.fmad.evaluation.nab.NabReport;
import io.fmad.evaluation.nab.NabScorer;
import io.fmad.evaluation.nab.Profile;
import io.fmad.job.FmadPipeline;
import io.fmad.job.config.ConfigLoader;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.encode.EmbeddedWindow;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores detector variants on a NAB corpus in seconds each: it runs the window and encoder stages
 * once on a local MiniCluster, then replays the job's detector code over the cached encoder output
 * for every variant ({@link DetectorReplay}). The alerts of a variant equal those that {@code
 * evaluate} gives for the same options.
 *
 * <pre>
 * TuneCommand [--corpus NAB_DIR] [--subset PREFIX] [--parallelism N] [--OPTION VALUE ...]
 *             [--variant 'detector.OPTION=VALUE,detector.OPTION=VALUE'] ...
 * </pre>
 *
 * <p>{@code --OPTION VALUE} pairs set the base configuration, as for {@code evaluate}; each
 * {@code --variant} overrides {@code detector.*} options on top of it. The base configuration is
 * always scored first. Only detector options may vary, because the others change the cached encoder
 * output.
 */
public final class TuneCommand {

    private static final String DETECTOR_PREFIX = "detector.";

    private final PrintStream out;
    private final PrintStream progress;

    TuneCommand(PrintStream out, PrintStream progress) {
        this.out = out;
        this.progress = progress;
    }

    public static void main(String[] args) throws Exception {
        int status;
        try {
            status = new TuneCommand(System.out, System.err).run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    int run(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            out.println("Usage: tune.sh [--corpus NAB_DIR] [--subset PREFIX] [--parallelism N] [--OPTION VALUE ...]"
                    + " [--variant 'detector.OPTION=VALUE,...'] ...\n\nJob options:\n" + ConfigLoader.describeOptions());
            return 0;
        }
        List<String> evaluateArgs = new ArrayList<>();
        List<Map<String, String>> variants = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--variant")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Missing value for --variant");
                }
                variants.add(parseVariant(args[++i]));
            } else {
                evaluateArgs.add(args[i]);
            }
        }
        // The base configuration is always scored first, so every variant has its reference.
        variants.add(0, Map.of());

        EvaluateCommand.Options options = EvaluateCommand.parse(evaluateArgs.toArray(new String[0]));
        Map<String, String> base = ConfigLoader.load(options.jobArgs.toArray(new String[0]));
        List<FmadConfig> configs = new ArrayList<>();
        for (Map<String, String> variant : variants) {
            Map<String, String> settings = new LinkedHashMap<>(base);
            settings.putAll(variant);
            FmadConfig config = FmadConfig.from(settings);
            FmadPipeline.validateModel(config);
            configs.add(config);
        }

        NabCorpus corpus = EvaluateCommand.loadCorpus(options);
        List<SeriesData> series = EvaluateCommand.toSeries(corpus);
        ProgressBar bar = new ProgressBar(progress, "encode", corpus.rowCount());
        Map<String, List<EmbeddedWindow>> windows =
                new FmadDetector(options.config, options.parallelism).encodeAll(series, bar::update);
        bar.finish();

        NabScorer scorer = new NabScorer(corpus);
        out.println();
        out.println("| variant | standard | low FP | low FN | windows detected | alert rows outside windows | seconds |");
        out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (int v = 0; v < variants.size(); v++) {
            long started = System.nanoTime();
            Map<String, double[]> alerts =
                    DetectorReplay.alertRows(series, windows, FmadPipeline.detectorSettings(configs.get(v)));
            NabReport report = scorer.scoreAt(alerts, 0.5);
            int[] detection = detection(corpus, alerts);
            out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %d of %d | %d | %.1f |%n",
                    variants.get(v).isEmpty() ? "base" : variants.get(v).toString(),
                    report.normalizedScore(Profile.STANDARD),
                    report.normalizedScore(Profile.REWARD_LOW_FP_RATE),
                    report.normalizedScore(Profile.REWARD_LOW_FN_RATE),
                    detection[0], corpus.windowCount(), detection[1],
                    (System.nanoTime() - started) / 1e9);
        }
        return 0;
    }

    static Map<String, String> parseVariant(String text) {
        Map<String, String> variant = new LinkedHashMap<>();
        // A comma separates pairs only before the next option name, so values may hold commas.
        for (String part : text.split(",(?=\\s*" + DETECTOR_PREFIX.replace(".", "\\.") + ")")) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(
                        "Invalid value '" + text + "' for --variant: expected OPTION=VALUE pairs separated by commas");
            }
            String key = trimmed.substring(0, equals).trim();
            if (!key.startsWith(DETECTOR_PREFIX)) {
                throw new IllegalArgumentException(
                        "Invalid value '" + text + "' for --variant: only " + DETECTOR_PREFIX + "* options can vary, because"
                                + " the others change the cached encoder output; set '" + key + "' as --" + key + " instead");
            }
            variant.put(key, trimmed.substring(equals + 1).trim());
        }
        return variant;
    }

    /**
     * Returns the labeled windows with an alert after the probationary period, and the alert rows
     * outside any window after it.
     */
    static int[] detection(NabCorpus corpus, Map<String, double[]> alerts) {
        int detected = 0;
        int outside = 0;
        for (DataFile file : corpus.files()) {
            double[] rows = alerts.get(file.name());
            int probation = DataFile.probationaryLength(file.rowCount());
            for (AnomalyWindow window : file.windows()) {
                for (int row = Math.max(probation, window.start()); row <= window.end(); row++) {
                    if (rows[row] > 0) {
                        detected++;
                        break;
                    }
                }
            }
            int[] windowOfRow = file.windowIndexPerRow();
            for (int row = probation; row < rows.length; row++) {
                if (rows[row] > 0 && windowOfRow[row] < 0) {
                    outside++;
                }
            }
        }
        return new int[] {detected, outside};
    }
}
