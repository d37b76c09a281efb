package io.fmad.evaluation.nab;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The NAB data for tests, read once per JVM and cached: the corpus, the published per-row results and the
 * published summaries.
 *
 * <p>When the data is absent, tests that need it are skipped, unless the environment variable {@code CI} is
 * set, where they fail.
 */
public final class NabTestData {

    /** Every detector with per-row results in the data folder. */
    static final List<String> DETECTORS = List.of("ARTime", "bayesChangePt", "expose", "htmjava", "knncad", "null",
            "numenta", "numentaTM", "random", "relativeEntropy", "skyline", "windowedGaussian");

    /**
     * The one detector whose per-row results and published summaries come from different runs: its summaries
     * cover 32 files and 164,136 rows, so only its per-row files can be scored.
     */
    static final String RANDOM = "random";

    /** The one detector whose files were written by NAB's current scorer rather than by NAB v1.0. */
    static final String CURRENT_FORMAT_DETECTOR = "ARTime";

    private static final Map<String, Map<String, ResultFile>> RESULTS = new ConcurrentHashMap<>();
    private static final Map<String, NabReport> OPTIMIZED_REPORTS = new ConcurrentHashMap<>();
    private static NabCorpus corpus;

    private NabTestData() {}

    /** Returns the NAB folder, or skips the calling test (fails it when {@code CI} is set) when it is absent. */
    public static Path root() {
        Optional<Path> root = NabDatasetLocator.locate();
        String message = "NAB data not found: set " + NabDatasetLocator.DATASETS_ENV
                + " to a folder containing nab/, or run below a folder containing shared/datasets/nab";
        if (root.isEmpty() && System.getenv("CI") != null) {
            fail(message + " (CI is set, so the test fails instead of being skipped)");
        }
        assumeTrue(root.isPresent(), message);
        return root.get();
    }

    static synchronized NabCorpus corpus() {
        if (corpus == null) {
            try {
                corpus = NabCorpus.load(root());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return corpus;
    }

    static Map<String, ResultFile> results(String detector) {
        NabCorpus nabCorpus = corpus();
        return RESULTS.computeIfAbsent(detector, name -> {
            try {
                return DetectorResultsReader.readDetector(root().resolve("results"), name, nabCorpus);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static Map<String, double[]> anomalyScores(String detector) {
        return DetectorResultsReader.anomalyScores(results(detector));
    }

    /** Returns the detector's results scored at the corpus-wide best threshold of every profile. */
    static NabReport optimizedReport(String detector) {
        Map<String, double[]> scores = anomalyScores(detector);
        return OPTIMIZED_REPORTS.computeIfAbsent(detector, name -> new NabScorer(corpus()).score(scores));
    }

    static ScoreSummary publishedSummary(String detector, Profile profile) {
        try {
            return ScoreSummary.read(NabResultsLayout.summaryFile(root().resolve("results"), detector, profile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode finalResults() {
        try {
            return new ObjectMapper().readTree(root().resolve("results").resolve("final_results.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
