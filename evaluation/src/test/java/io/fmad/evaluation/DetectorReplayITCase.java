package io.fmad.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.evaluation.detectors.CorpusScores;
import io.fmad.evaluation.detectors.DetectorReplay;
import io.fmad.evaluation.detectors.FmadDetector;
import io.fmad.evaluation.nab.NabCorpus;
import io.fmad.evaluation.nab.NabTestData;
import io.fmad.job.FmadPipeline;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.encode.EmbeddedWindow;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Checks that replaying the detector over cached encoder output gives exactly the alerts of the
 * job's detector operator, on NAB's realKnownCause files, so tuning results carry over to the job.
 */
class DetectorReplayITCase {

    @Test
    void replay_matchesOperatorAlerts() throws Exception {
        Path root = NabTestData.root();
        NabCorpus corpus = NabCorpus.load(root);
        corpus = corpus.subset(corpus.fileNames().stream().filter(name -> name.startsWith("realKnownCause/")).toList());
        List<SeriesData> series = EvaluateCommand.toSeries(corpus);
        FmadConfig config = FmadConfig.defaults();
        FmadDetector detector = new FmadDetector(config, 2);

        CorpusScores operator = detector.scoreAll(series, rows -> {});
        Map<String, List<EmbeddedWindow>> windows = detector.encodeAll(series, rows -> {});
        Map<String, double[]> replayed = DetectorReplay.alertRows(series, windows, FmadPipeline.detectorSettings(config));

        int alerts = 0;
        for (SeriesData data : series) {
            boolean[] expected = operator.alerts().get(data.name());
            double[] actual = replayed.get(data.name());
            for (int row = 0; row < expected.length; row++) {
                assertThat(actual[row] > 0).as("%s row %d", data.name(), row).isEqualTo(expected[row]);
                alerts += expected[row] ? 1 : 0;
            }
        }
        assertThat(alerts).as("alerts on realKnownCause").isPositive();
    }
}
