package io.fmad.evaluation.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a detector's per-row anomaly scores with the rules of the Numenta Anomaly Benchmark (NAB).
 *
 * <p>For each profile, the scorer either searches the corpus-wide threshold with the highest raw score (NAB's
 * exact sweep, as in NAB since 2019) or applies a given threshold. It then scores each file at that threshold,
 * sums the file scores and normalizes the sum so that a detector without detections scores 0 and one
 * detection on each window's first row scores 100.
 *
 * <p>Input maps go from a data file name ({@code <category>/<file>.csv}) to one anomaly score per row of that
 * file, probationary rows included, and must cover exactly the files of the corpus. Instances are immutable
 * and thread-safe.
 */
public final class NabScorer {

    private static final Logger LOG = LoggerFactory.getLogger(NabScorer.class);

    private final NabCorpus corpus;

    public NabScorer(NabCorpus corpus) {
        this.corpus = Objects.requireNonNull(corpus, "corpus");
    }

    public NabCorpus corpus() {
        return corpus;
    }

    /**
     * Scores every profile at its corpus-wide best threshold.
     *
     * @throws IllegalArgumentException if the scores do not cover exactly the corpus files with one score per row,
     *     each a finite number below {@value ThresholdSweep#START_THRESHOLD}
     */
    public NabReport score(Map<String, double[]> anomalyScores) {
        PreparedScores prepared = new PreparedScores(corpus, anomalyScores);
        Map<Profile, ProfileResult> results = new EnumMap<>(Profile.class);
        for (Profile profile : Profile.values()) {
            results.put(profile, optimize(prepared, profile));
        }
        return new NabReport(results);
    }

    /**
     * Scores every profile at one fixed threshold, such as a job's alert threshold.
     *
     * @throws IllegalArgumentException if the threshold is NaN or the scores do not match the corpus
     */
    public NabReport scoreAt(Map<String, double[]> anomalyScores, double threshold) {
        requireThreshold(threshold);
        PreparedScores prepared = new PreparedScores(corpus, anomalyScores);
        Map<Profile, ProfileResult> results = new EnumMap<>(Profile.class);
        for (Profile profile : Profile.values()) {
            results.put(profile, scoreFiles(prepared, profile, threshold, false));
        }
        return new NabReport(results);
    }

    /** Scores one profile at its corpus-wide best threshold. */
    public ProfileResult score(Map<String, double[]> anomalyScores, Profile profile) {
        return optimize(new PreparedScores(corpus, anomalyScores), profile);
    }

    /** Scores one profile at a fixed threshold. */
    public ProfileResult scoreAt(Map<String, double[]> anomalyScores, Profile profile, double threshold) {
        requireThreshold(threshold);
        return scoreFiles(new PreparedScores(corpus, anomalyScores), profile, threshold, false);
    }

    /**
     * Returns the corpus-wide raw score at every distinct threshold, for example to plot score against
     * threshold. {@link ThresholdSweep#best()} of the result is the threshold {@link #score} uses.
     */
    public ThresholdSweep sweep(Map<String, double[]> anomalyScores, Profile profile) {
        return new PreparedScores(corpus, anomalyScores).corpusSweep(profile);
    }

    /**
     * Returns {@code 100 * (raw - null) / (perfect - null)}, where {@code null = -fnWeight * windowCount} and
     * {@code perfect = tpWeight * windowCount}.
     *
     * @throws IllegalArgumentException if {@code windowCount} is not positive, so the scale is undefined
     */
    public static double normalize(double rawScore, CostMatrix costMatrix, int windowCount) {
        if (windowCount <= 0) {
            throw new IllegalArgumentException(
                    "NAB normalization needs at least one anomaly window, but the corpus has " + windowCount);
        }
        double nullScore = nullScore(costMatrix, windowCount);
        double perfectScore = perfectScore(costMatrix, windowCount);
        return 100 * (rawScore - nullScore) / (perfectScore - nullScore);
    }

    private static double nullScore(CostMatrix costMatrix, int windowCount) {
        return -costMatrix.fnWeight() * windowCount;
    }

    private static double perfectScore(CostMatrix costMatrix, int windowCount) {
        return costMatrix.tpWeight() * windowCount;
    }

    private static void requireThreshold(double threshold) {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("Threshold must be a number, but was NaN");
        }
    }

    private ProfileResult optimize(PreparedScores prepared, Profile profile) {
        ThresholdScore best = prepared.corpusSweep(profile).best();
        return scoreFiles(prepared, profile, best.threshold(), true);
    }

    private ProfileResult scoreFiles(PreparedScores prepared, Profile profile, double threshold, boolean optimized) {
        CostMatrix costMatrix = profile.costMatrix();
        List<FileScore> files = new ArrayList<>();
        double rawScore = 0;
        Counts counts = Counts.ZERO;
        for (int f = 0; f < prepared.files.size(); f++) {
            ThresholdScore fileResult = prepared.fileSweep(f, profile).at(threshold);
            DataFile file = prepared.files.get(f);
            files.add(new FileScore(file.name(), fileResult.score(), fileResult.counts(), file.rowCount()));
            rawScore += fileResult.score();
            counts = counts.plus(fileResult.counts());
        }

        int windowCount = corpus.windowCount();
        double normalized = normalize(rawScore, costMatrix, windowCount);
        LOG.debug("NAB profile {}: threshold {} ({}), raw score {}, normalized score {}",
                profile.id(), threshold, optimized ? "optimized" : "fixed", rawScore, normalized);
        return new ProfileResult(profile, threshold, optimized, rawScore, normalized,
                nullScore(costMatrix, windowCount), perfectScore(costMatrix, windowCount), counts, files);
    }

    /**
     * Anomaly scores of the rows after each file's probationary period, with their window ids and sort orders,
     * shared by all profiles because only the row weights depend on the profile.
     */
    private static final class PreparedScores {

        private final List<DataFile> files;
        private final double[][] fileScores;
        private final int[][] fileWindowIds;
        private final int[][] fileOrders;
        private final double[] corpusScores;
        private final int[] corpusWindowIds;
        private final int[] corpusOrder;

        PreparedScores(NabCorpus corpus, Map<String, double[]> anomalyScores) {
            requireCorpusFiles(corpus, anomalyScores);
            files = corpus.files();
            fileScores = new double[files.size()][];
            fileWindowIds = new int[files.size()][];
            fileOrders = new int[files.size()][];

            int windowOffset = 0;
            corpusScores = new double[corpus.scoredRowCount()];
            corpusWindowIds = new int[corpusScores.length];
            int corpusRow = 0;
            for (int f = 0; f < files.size(); f++) {
                DataFile file = files.get(f);
                double[] scores = anomalyScores.get(file.name());
                requireRowScores(file, scores);

                int from = file.probationaryLength();
                fileScores[f] = Arrays.copyOfRange(scores, from, scores.length);
                fileWindowIds[f] = Arrays.copyOfRange(file.windowIndexPerRow(), from, scores.length);
                fileOrders[f] = ThresholdSweep.descendingStableOrder(fileScores[f]);

                // Window ids must be unique across the corpus, as NAB's "<file>|<window start>" names are.
                for (int i = 0; i < fileScores[f].length; i++, corpusRow++) {
                    corpusScores[corpusRow] = fileScores[f][i];
                    int local = fileWindowIds[f][i];
                    corpusWindowIds[corpusRow] = local < 0 ? -1 : windowOffset + local;
                }
                windowOffset += file.windows().size();
            }
            corpusOrder = ThresholdSweep.descendingStableOrder(corpusScores);
        }

        ThresholdSweep fileSweep(int f, Profile profile) {
            CostMatrix costMatrix = profile.costMatrix();
            return ThresholdSweep.compute(
                    fileScores[f], scoredWeights(f, costMatrix), fileWindowIds[f], costMatrix.fnWeight(), fileOrders[f]);
        }

        ThresholdSweep corpusSweep(Profile profile) {
            CostMatrix costMatrix = profile.costMatrix();
            double[] weights = new double[corpusScores.length];
            int corpusRow = 0;
            for (int f = 0; f < files.size(); f++) {
                double[] fileWeights = scoredWeights(f, costMatrix);
                System.arraycopy(fileWeights, 0, weights, corpusRow, fileWeights.length);
                corpusRow += fileWeights.length;
            }
            return ThresholdSweep.compute(corpusScores, weights, corpusWindowIds, costMatrix.fnWeight(), corpusOrder);
        }

        private double[] scoredWeights(int f, CostMatrix costMatrix) {
            DataFile file = files.get(f);
            double[] all = NabWeights.weightedScores(file, costMatrix);
            return Arrays.copyOfRange(all, file.probationaryLength(), all.length);
        }

        private static void requireCorpusFiles(NabCorpus corpus, Map<String, double[]> anomalyScores) {
            TreeSet<String> missing = new TreeSet<>(corpus.fileNames());
            missing.removeAll(anomalyScores.keySet());
            TreeSet<String> unknown = new TreeSet<>(anomalyScores.keySet());
            unknown.removeAll(corpus.fileNames());
            if (!missing.isEmpty() || !unknown.isEmpty()) {
                throw new IllegalArgumentException("Anomaly scores must cover exactly the " + corpus.fileNames().size()
                        + " corpus files (score a subset with NabCorpus.subset): missing " + missing
                        + ", not in the corpus " + unknown);
            }
        }

        private static void requireRowScores(DataFile file, double[] scores) {
            if (scores == null || scores.length != file.rowCount()) {
                throw new IllegalArgumentException("Data file " + file.name() + " has " + file.rowCount()
                        + " rows but " + (scores == null ? "no" : String.valueOf(scores.length))
                        + " anomaly scores. Give one score per row, probationary rows included");
            }
            for (int row = 0; row < scores.length; row++) {
                try {
                    ThresholdSweep.requireSweepable(scores[row], row);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Data file " + file.name() + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
