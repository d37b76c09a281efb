package io.fmad.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fmad.job.TestEvents;
import io.fmad.job.encode.EmbeddedWindow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

class AnomalyScorerTest {

    private static final int WINDOW = 4;
    private static final DetectorSettings SETTINGS = settings(EnumSet.allOf(DetectorSignal.class));

    private AnomalyScorer scorer = new AnomalyScorer(SETTINGS);
    private final DetectorState state = DetectorState.create(1, 2, 2048, 4096);
    private long sequence;

    private static DetectorSettings settings(Set<DetectorSignal> signals) {
        return new DetectorSettings(signals, AnomalyScorer.DEFAULT_CALIBRATED_Z, 0.999, 100, 200, 10, 0.99, 4.0, WINDOW, 0.01, 4096, 2048, 0, Duration.ZERO);
    }

    /** Builds a flat window within [99, 101] whose newest value is {@code last}. */
    private EmbeddedWindow window(double last, float reconstructionError) {
        sequence++;
        EmbeddedWindow window = new EmbeddedWindow();
        window.window = TestEvents.window("a", sequence, new float[WINDOW]);
        window.window.last[0] = last;
        window.window.min[0] = Math.min(99.0, last);
        window.window.max[0] = Math.max(101.0, last);
        window.embeddingDim = 2;
        window.embeddings = new float[2];
        window.reconstructionErrors = new float[] {reconstructionError};
        return window;
    }

    @Test
    void rangeZ_reachesReferenceAtTheMargin() {
        for (int i = 0; i < AnomalyScorer.RANGE_WARM_UP; i++) {
            assertThat(scorer.scoreAndUpdate(state, window(102.0, 0.1f)).rangeZ())
                    .as("no range signal during the range warm-up")
                    .isEqualTo(Double.NEGATIVE_INFINITY);
        }

        // The range is [99, 102]; 1 % of its width above the top is the configured margin.
        AnomalyScorer.Result atMargin = scorer.scoreAndUpdate(state, window(102.03, 0.1f));

        assertThat(atMargin.rangeZ()).isCloseTo(AnomalyScorer.REFERENCE_Z, within(1e-6));
        assertThat(atMargin.rangeScore()).isCloseTo(0.999, within(1e-6));
        assertThat(scorer.scoreAndUpdate(state, window(100.0, 0.1f)).rangeZ())
                .as("inside the range")
                .isNegative();
    }

    @Test
    void score_zeroUntilCalibrated() {
        AnomalyScorer.Result result = null;
        for (int i = 0; i < WINDOW + AnomalyScorer.MIN_CALIBRATION_SAMPLES; i++) {
            result = scorer.scoreAndUpdate(state, window(100.0, 0.1f));
            assertThat(result.calibrated()).isFalse();
            assertThat(result.score()).isZero();
        }

        assertThat(scorer.scoreAndUpdate(state, window(100.0, 0.1f)).calibrated()).isTrue();
    }

    @Test
    void calibration_learnsLastingRegime() {
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            scorer.scoreAndUpdate(state, window(100.0, (float) (0.1 * Math.exp(0.03 * random.nextGaussian()))));
        }

        double firstScore = 0;
        double lastScore = 0;
        for (int i = 0; i < 3 * AnomalyScorer.SUSPECT_RUN_LIMIT; i++) {
            float error = (float) (10.0 * Math.exp(0.03 * random.nextGaussian()));
            double score = scorer.scoreAndUpdate(state, window(100.0, error)).score();
            if (i == 0) {
                firstScore = score;
            }
            lastScore = score;
        }

        assertThat(firstScore).as("a 100 times worse reconstruction is anomalous").isGreaterThan(0.999);
        assertThat(lastScore).as("after a lasting regime, the key has learned it").isLessThan(0.99);
    }

    @Test
    void forecastError_scoresAMissedForecast() {
        scorer = new AnomalyScorer(settings(EnumSet.of(DetectorSignal.FORECAST)));
        Random random = new Random(5);
        for (int i = 0; i < 200; i++) {
            EmbeddedWindow window = window(100.0, 0.1f);
            // The newest normalized value is 0; the forecast misses it by a little noise.
            withForecast(window, (float) (0.05 * random.nextGaussian()));
            assertThat(scorer.scoreAndUpdate(state, window).maxZ()).isLessThan(AnomalyScorer.REFERENCE_Z);
        }

        EmbeddedWindow missed = window(100.0, 0.1f);
        missed.window.normalized[WINDOW - 1] = 3.0f;
        withForecast(missed, 0f);

        assertThat(scorer.scoreAndUpdate(state, missed).score())
                .as("the newest value is 3 deviations from what the previous window forecast")
                .isGreaterThan(0.999);
    }

    @Test
    void forecastError_usesTheStepOfTheSlide() {
        scorer = new AnomalyScorer(settings(EnumSet.of(DetectorSignal.FORECAST)));
        for (int i = 0; i < 200; i++) {
            EmbeddedWindow window = window(100.0, 0.1f);
            // Windows every second point: the forecast of step 2 must match, step 1 never does.
            sequence++;
            window.window.sequence = sequence;
            window.forecastLength = 2;
            window.forecasts = new float[] {5f, 0.01f * (i % 3)};
            scorer.scoreAndUpdate(state, window);
        }

        EmbeddedWindow next = window(100.0, 0.1f);
        sequence++;
        next.window.sequence = sequence;

        assertThat(scorer.scoreAndUpdate(state, next).score())
                .as("the newest value matches the forecast of its step, not the 5-deviation miss of step 1")
                .isLessThan(0.99);
    }

    @Test
    void signals_unselectedSignalDoesNotScore() {
        scorer = new AnomalyScorer(settings(EnumSet.of(DetectorSignal.RECONSTRUCTION)));
        for (int i = 0; i < 100; i++) {
            scorer.scoreAndUpdate(state, window(100.0, 0.1f));
        }
        EmbeddedWindow window = window(100.0, 0.1f);
        Arrays.fill(window.window.normalized, 8f);

        assertThat(scorer.scoreAndUpdate(state, window).score())
                .as("values 8 deviations out score only through the level signal, which is off")
                .isLessThan(0.99);
    }

    private static void withForecast(EmbeddedWindow window, float next) {
        window.forecastLength = 2;
        window.forecasts = new float[] {next, 0f};
    }

    /** Reference values of erfc, to 10 significant digits. */
    @ParameterizedTest
    @CsvSource({
        "0.0, 1.0",
        "0.5, 0.4795001222",
        "1.0, 0.1572992071",
        "2.0, 0.0046777350",
        "3.0, 0.0000220905",
        "-1.0, 1.8427007929",
    })
    void erfc_matchesReference(double x, double expected) {
        double actual = AnomalyScorer.erfc(x);

        assertThat(actual).isCloseTo(expected, within(Math.abs(expected) * 2e-7 + 1e-12));
    }

    @ParameterizedTest
    @CsvSource({"0.0, 0.5", "1.6448536, 0.95", "3.0902323, 0.999", "-1.6448536, 0.05"})
    void standardNormalCdf_matchesQuantiles(double z, double expected) {
        assertThat(AnomalyScorer.standardNormalCdf(z)).isCloseTo(expected, within(1e-6));
    }

    @Test
    void select_returnsTheSortedArraysElement() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        for (int trial = 0; trial < 2_000; trial++) {
            int length = 1 + random.nextInt(80);
            double[] values = new double[length];
            for (int i = 0; i < length; i++) {
                // Few distinct values in some trials, so ties are covered.
                values[i] = trial % 3 == 0 ? random.nextInt(4) : random.nextGaussian();
            }
            double[] sorted = values.clone();
            java.util.Arrays.sort(sorted);
            int k = random.nextInt(length);

            assertThat(AnomalyScorer.select(values.clone(), k)).isEqualTo(sorted[k]);
        }
    }
}
