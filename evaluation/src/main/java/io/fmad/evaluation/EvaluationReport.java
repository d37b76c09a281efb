package io.fmad.evaluation;

import io.fmad.evaluation.nab.AnomalyWindow;
import io.fmad.evaluation.nab.DataFile;
import io.fmad.evaluation.nab.FileScore;
import io.fmad.evaluation.nab.NabCorpus;
import io.fmad.evaluation.nab.NabReport;
import io.fmad.evaluation.nab.NabScorer;
import io.fmad.evaluation.nab.Profile;
import io.fmad.evaluation.nab.ProfileResult;
import io.fmad.evaluation.report.DetectorSeries;
import io.fmad.evaluation.report.DetectorSummary;
import io.fmad.evaluation.report.HtmlReport;
import io.fmad.evaluation.report.ProfileSummary;
import io.fmad.evaluation.report.ReportData;
import io.fmad.evaluation.report.SeriesReport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles the HTML report of an evaluation. For detectors that emit alerts (fmad), the plots
 * and per-file scores show the alerts, because they are what users get. For the baselines, they
 * show the rows at or above the best standard-profile threshold.
 */
final class EvaluationReport {

    private EvaluationReport() {}

    static Path write(
            Path file,
            NabCorpus corpus,
            NabScorer scorer,
            List<EvaluateCommand.Evaluation> evaluations,
            double alertThreshold,
            String command)
            throws IOException {
        List<DetectorSummary> summaries = new ArrayList<>();
        Map<String, NabReport> perFileReports = new LinkedHashMap<>();
        Map<String, Map<String, boolean[]>> detections = new LinkedHashMap<>();
        Map<String, Double> thresholds = new LinkedHashMap<>();

        for (EvaluateCommand.Evaluation evaluation : evaluations) {
            String detector = evaluation.detector();
            Map<String, ProfileSummary> byProfile = new LinkedHashMap<>();
            for (Profile profile : Profile.values()) {
                byProfile.put(profile.id(), summary(evaluation.best().get(profile)));
            }

            Map<String, boolean[]> alerts = evaluation.scores().alerts();
            Map<String, ProfileSummary> atAlerts = new LinkedHashMap<>();
            if (alerts != null) {
                NabReport alertReport = scorer.scoreAt(EvaluateCommand.asScores(alerts), 0.5);
                for (Profile profile : Profile.values()) {
                    ProfileResult result = alertReport.get(profile);
                    atAlerts.put(profile.id(), new ProfileSummary(
                            result.normalizedScore(), alertThreshold,
                            result.counts().tp(), result.counts().fp(), result.counts().fn(), result.counts().tn()));
                }
                perFileReports.put(detector, alertReport);
                detections.put(detector, alerts);
                thresholds.put(detector, alertThreshold);
            } else {
                double threshold = evaluation.best().get(Profile.STANDARD).threshold();
                perFileReports.put(detector, evaluation.best());
                detections.put(detector, atOrAbove(evaluation.scores().scores(), threshold));
                thresholds.put(detector, threshold);
            }
            summaries.add(new DetectorSummary(detector, byProfile, atAlerts));
        }

        List<SeriesReport> series = new ArrayList<>();
        for (DataFile data : corpus.files()) {
            List<DetectorSeries> detectorSeries = new ArrayList<>();
            for (EvaluateCommand.Evaluation evaluation : evaluations) {
                String detector = evaluation.detector();
                FileScore fileScore = perFileReports.get(detector).get(Profile.STANDARD).file(data.name());
                detectorSeries.add(new DetectorSeries(
                        detector,
                        evaluation.scores().scores().get(data.name()),
                        thresholds.get(detector),
                        detections.get(detector).get(data.name()),
                        fileScore.score(),
                        fileScore.counts().tp(),
                        fileScore.counts().fp(),
                        fileScore.counts().fn()));
            }
            series.add(new SeriesReport(
                    data.name(), EvaluateCommand.epochMillis(data), data.values(), windows(data), data.probationaryLength(), detectorSeries));
        }

        ReportData report = new ReportData(
                "fmad evaluation on NAB", Instant.now(), command, "NAB (" + corpus.files().size() + " files)",
                summaries, series);
        HtmlReport.write(report, file);
        return file;
    }

    private static ProfileSummary summary(ProfileResult result) {
        return new ProfileSummary(
                result.normalizedScore(), result.threshold(),
                result.counts().tp(), result.counts().fp(), result.counts().fn(), result.counts().tn());
    }

    private static Map<String, boolean[]> atOrAbove(Map<String, double[]> scores, double threshold) {
        Map<String, boolean[]> flags = new LinkedHashMap<>();
        scores.forEach((name, rows) -> {
            boolean[] detected = new boolean[rows.length];
            for (int i = 0; i < rows.length; i++) {
                detected[i] = rows[i] >= threshold;
            }
            flags.put(name, detected);
        });
        return flags;
    }

    private static List<long[]> windows(DataFile data) {
        List<long[]> windows = new ArrayList<>();
        for (AnomalyWindow window : data.windows()) {
            windows.add(new long[] {
                EvaluateCommand.epochMillis(data, window.start()), EvaluateCommand.epochMillis(data, window.end())
            });
        }
        return windows;
    }
}
