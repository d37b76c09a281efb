package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Random;

/**
 * Checks through DJL, as the job runs the models, that the embedding of fmad-ts-fm version 2 moves
 * less than that of version 1 when only the noise of a quiet window changes. It also checks that
 * the embedding of version 3 moves less than that of version 2. Version 1 divides each window by its own standard deviation, which
 * blows the noise of a nearly flat window up to the size of a signal. Version 3 was trained with a
 * loss term that pulls the embeddings of a window and of a noisy copy together. The detector's
 * seasonal distance compares windows that share the signal but not the noise, so this noise sets
 * how far apart two normal days look.
 */
class FoundationModelNoiseTest {

    private static final Logger LOG = LoggerFactory.getLogger(FoundationModelNoiseTest.class);

    private static final int LENGTH = 64;
    private static final int QUIET_WINDOWS = 64;
    /** Noise of the quiet windows, in key baseline deviations. */
    private static final double NOISE_STD_DEV = 0.05;

    @TempDir static Path extractionRoot;

    @Test
    void quietWindowNoise_version2SteadierThanVersion1() throws Exception {
        TensorFlowTestEngine.start();
        SharedModelRegistry registry = new SharedModelRegistry(extractionRoot);

        double version1 = noiseRatio(registry, "1");
        double version2 = noiseRatio(registry, "2");
        LOG.info(
                "Embedding distance between two noisy copies of a quiet window, relative to the"
                        + " distance between varied windows: version 1 {}, version 2 {}",
                version1,
                version2);

        // The shipped models measured 0.34 and 0.046, so a factor of 4 leaves room for retraining.
        assertThat(version2).isLessThan(version1 / 4);
    }

    @Test
    void quietWindowNoise_version3SteadierThanVersion2() throws Exception {
        TensorFlowTestEngine.start();
        // A directory of its own, so that this registry does not meet the other test's files.
        SharedModelRegistry registry =
                new SharedModelRegistry(extractionRoot.resolve("version3-test"));

        double version2 = noiseRatio(registry, "2");
        double version3 = noiseRatio(registry, "3");
        LOG.info(
                "Embedding distance between two noisy copies of a quiet window, relative to the"
                        + " distance between varied windows: version 2 {}, version 3 {}",
                version2,
                version3);

        // The shipped models measured 0.046 and 0.040 here, so the check has little margin. The
        // builder's quiet-window ratios, with noise of 0.1 and generated windows as the spread,
        // were 0.114 and 0.030. Why the gap is smaller here was not examined.
        assertThat(version3).isLessThan(version2);
    }

    /**
     * Returns the mean embedding distance between two copies of a quiet window with independent
     * noise, divided by the mean embedding distance between the windows of {@link
     * TestWindows#sineWindows}.
     */
    private static double noiseRatio(SharedModelRegistry registry, String version)
            throws Exception {
        ModelLocation location = ModelLocation.classpath("io/fmad/models/fmad-ts-fm/" + version);
        try (SharedModel model = registry.acquire(location, DeviceSelection.CPU);
                WindowEncoder encoder = model.newEncoder()) {
            float[][] varied = encoder.encode(TestWindows.sineWindows(32, LENGTH, 7)).embeddings();
            double spread = 0;
            int pairs = 0;
            for (int first = 0; first < varied.length; first++) {
                for (int second = first + 1; second < varied.length; second++) {
                    spread += distance(varied[first], varied[second]);
                    pairs++;
                }
            }
            spread /= pairs;

            Random random = new Random(11);
            float[][] firstCopies = new float[QUIET_WINDOWS][LENGTH];
            float[][] secondCopies = new float[QUIET_WINDOWS][LENGTH];
            for (int row = 0; row < QUIET_WINDOWS; row++) {
                // Both copies share a level within ±1 baseline deviation and a slow wave of 0.1.
                double level = 2 * random.nextDouble() - 1;
                double phase = random.nextDouble() * 2 * Math.PI;
                for (int i = 0; i < LENGTH; i++) {
                    double signal = level + 0.1 * Math.sin(2 * Math.PI * i / LENGTH + phase);
                    firstCopies[row][i] = (float) (signal + NOISE_STD_DEV * random.nextGaussian());
                    secondCopies[row][i] = (float) (signal + NOISE_STD_DEV * random.nextGaussian());
                }
            }
            float[][] firstEmbeddings = encoder.encode(firstCopies).embeddings();
            float[][] secondEmbeddings = encoder.encode(secondCopies).embeddings();
            double noise = 0;
            for (int row = 0; row < QUIET_WINDOWS; row++) {
                noise += distance(firstEmbeddings[row], secondEmbeddings[row]);
            }
            return noise / QUIET_WINDOWS / spread;
        }
    }

    private static double distance(float[] first, float[] second) {
        double sum = 0;
        for (int d = 0; d < first.length; d++) {
            double difference = first[d] - second[d];
            sum += difference * difference;
        }
        return Math.sqrt(sum);
    }
}
