package io.fmad.job.interpret;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Explanation;
import io.fmad.avro.ValueStatistics;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Explains an alert from the window statistics it carries, without any network call: which values
 * drove the score, and how far their last and extreme values are from the key's baseline, in
 * baseline standard deviations. An explanation written by the alert's detector is kept.
 */
public final class BuiltInExplainer implements Interpreter {

    /** The interpreter's name in explanations. */
    public static final String NAME = "built-in";

    /** Values listed in a summary, largest contribution first. */
    private static final int MAX_VALUES_LISTED = 3;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<Explanation> explain(AnomalyAlert alert) {
        return CompletableFuture.completedFuture(explainNow(alert));
    }

    /**
     * Builds the explanation synchronously, and never fails on a well-formed alert. An alert that its
     * detector already explained (the log detector does, to quote the template) gets a copy of that
     * explanation.
     */
    public Explanation explainNow(AnomalyAlert alert) {
        if (alert.getExplanation() != null) {
            return Explanation.newBuilder(alert.getExplanation()).build();
        }
        Map<String, Double> contributions = alert.getContributions();
        List<String> drivers =
                contributions.entrySet().stream()
                        .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                                .thenComparing(Map.Entry.comparingByKey()))
                        .limit(MAX_VALUES_LISTED)
                        .map(Map.Entry::getKey)
                        .collect(Collectors.toList());

        StringBuilder summary = new StringBuilder();
        summary.append(
                String.format(
                        Locale.ROOT,
                        "Key '%s' scored %.4f (threshold %.4f) over %s to %s.",
                        alert.getKey(),
                        alert.getScore(),
                        alert.getThreshold(),
                        alert.getWindowStart(),
                        alert.getWindowEnd()));
        for (String name : drivers) {
            ValueStatistics statistics = alert.getStatistics().get(name);
            if (statistics == null) {
                continue;
            }
            summary.append(' ').append(describe(name, contributions.get(name), statistics));
        }

        return Explanation.newBuilder()
                .setSummary(summary.toString())
                .setLikelyCause(null)
                .setNextStep(null)
                .setInterpreter(NAME)
                .setEnrichmentFailed(false)
                .setFailureReason(null)
                .build();
    }

    private static String describe(String name, double share, ValueStatistics statistics) {
        double baseline = statistics.getBaselineMean();
        double stddev = statistics.getBaselineStddev();
        double maxDeviation = sigmas(statistics.getMax(), baseline, stddev);
        double minDeviation = sigmas(statistics.getMin(), baseline, stddev);
        boolean above = Math.abs(maxDeviation) >= Math.abs(minDeviation);
        double extreme = above ? statistics.getMax() : statistics.getMin();
        double extremeDeviation = above ? maxDeviation : minDeviation;

        return String.format(
                Locale.ROOT,
                "'%s' (%.0f%% of the score): last %.4g, window %s %.4g, %+.1f sigma from the key's"
                        + " baseline mean %.4g (sigma %.4g); window mean %.4g.",
                name,
                100 * share,
                statistics.getLast(),
                above ? "max" : "min",
                extreme,
                extremeDeviation,
                baseline,
                stddev,
                statistics.getMean());
    }

    private static double sigmas(double value, double mean, double stddev) {
        return stddev > 0 ? (value - mean) / stddev : 0.0;
    }
}
