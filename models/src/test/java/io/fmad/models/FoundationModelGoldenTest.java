package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Runs each shipped version of the foundation encoder fmad-ts-fm through DJL's TensorFlow engine
 * and compares its outputs with the golden outputs that TensorFlow Java computed from the same
 * SavedModel at export. A pass means the job, which loads the model through DJL, gets the outputs
 * the model builder measured.
 */
class FoundationModelGoldenTest {

    private static final Logger LOG = LoggerFactory.getLogger(FoundationModelGoldenTest.class);

    /**
     * Largest accepted difference relative to max(1, |golden value|). The golden values come from
     * TensorFlow 2.10.1 (TensorFlow Java 0.5.0) and DJL runs TensorFlow 2.16.1, whose kernels may
     * sum in another order, so bitwise equality is not required.
     */
    private static final double TOLERANCE = 1e-5;

    @Nested
    class Version1 extends GoldenChecks {
        Version1() {
            super("1");
        }
    }

    @Nested
    class Version2 extends GoldenChecks {
        Version2() {
            super("2");
        }
    }

    @Nested
    class Version3 extends GoldenChecks {
        Version3() {
            super("3");
        }
    }

    /** Golden input windows and outputs, one row per window. */
    private record Golden(
            float[][] windows,
            float[][] embeddings,
            float[][] reconstructions,
            float[][] forecasts) {

        static Golden read(String resource) throws IOException {
            Properties properties = new Properties();
            try (InputStream input =
                    FoundationModelGoldenTest.class
                            .getClassLoader()
                            .getResourceAsStream(resource)) {
                assertThat(input).as("golden resource %s", resource).isNotNull();
                properties.load(input);
            }
            int rows = Integer.parseInt(properties.getProperty("rows"));
            return new Golden(
                    matrix(properties, "window", rows),
                    matrix(properties, "embedding", rows),
                    matrix(properties, "reconstruction", rows),
                    matrix(properties, "forecast", rows));
        }

        private static float[][] matrix(Properties properties, String name, int rows) {
            float[][] matrix = new float[rows][];
            for (int row = 0; row < rows; row++) {
                String value = properties.getProperty(name + "." + row);
                assertThat(value).as("golden property %s.%d", name, row).isNotNull();
                String[] fields = value.split(",");
                matrix[row] = new float[fields.length];
                for (int column = 0; column < fields.length; column++) {
                    matrix[row][column] = Float.parseFloat(fields[column]);
                }
            }
            return matrix;
        }
    }

    /** Checks of one shipped version; one instance serves all of its tests. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class GoldenChecks {

        private final String version;
        private final ModelLocation location;

        private SharedModel model;
        private Golden golden;

        GoldenChecks(String version) {
            this.version = version;
            this.location = ModelLocation.classpath("io/fmad/models/fmad-ts-fm/" + version);
        }

        @BeforeAll
        void loadModel(@TempDir Path extractionRoot) throws Exception {
            TensorFlowTestEngine.start();
            golden = Golden.read(location.path() + "/golden-outputs.properties");
            model = new SharedModelRegistry(extractionRoot).acquire(location, DeviceSelection.CPU);
        }

        @AfterAll
        void closeModel() {
            if (model != null) {
                model.close();
            }
        }

        @Test
        void golden_hasEightWindowsOfModelShape() {
            ModelDescriptor descriptor = model.descriptor();

            assertThat(golden.windows()).hasNumberOfRows(8);
            for (int row = 0; row < 8; row++) {
                assertThat(golden.windows()[row]).hasSize(descriptor.inputLength());
                assertThat(golden.embeddings()[row]).hasSize(descriptor.embeddingDim());
                assertThat(golden.reconstructions()[row]).hasSize(descriptor.inputLength());
                assertThat(golden.forecasts()[row]).hasSize(descriptor.forecastLength());
            }
        }

        @Test
        void encode_batchMatchesGoldenOutputs() {
            try (WindowEncoder encoder = model.newEncoder()) {
                EncoderOutput output = encoder.encode(golden.windows());

                assertMatches(output.embeddings(), golden.embeddings(), "embedding");
                assertMatches(output.reconstructions(), golden.reconstructions(), "reconstruction");
                assertMatches(output.forecasts(), golden.forecasts(), "forecast");
                LOG.info(
                        "fmad-ts-fm version {}: largest difference to the golden outputs, relative"
                                + " to max(1, |golden|): embedding {}, reconstruction {}, forecast {}",
                        version,
                        maxDifference(output.embeddings(), golden.embeddings()),
                        maxDifference(output.reconstructions(), golden.reconstructions()),
                        maxDifference(output.forecasts(), golden.forecasts()));
            }
        }

        @Test
        void encode_singleWindowsMatchGoldenOutputs() {
            try (WindowEncoder encoder = model.newEncoder()) {
                for (int row = 0; row < golden.windows().length; row++) {
                    EncoderOutput output = encoder.encode(new float[][] {golden.windows()[row]});

                    assertRowMatches(
                            output.embeddings()[0], golden.embeddings()[row], "embedding", row);
                    assertRowMatches(
                            output.reconstructions()[0],
                            golden.reconstructions()[row],
                            "reconstruction",
                            row);
                    assertRowMatches(
                            output.forecasts()[0], golden.forecasts()[row], "forecast", row);
                }
            }
        }

        @Test
        void descriptor_declaresVersionAndForecast() {
            ModelDescriptor descriptor = model.descriptor();

            assertThat(descriptor.id()).isEqualTo("fmad-ts-fm");
            assertThat(descriptor.version()).isEqualTo(version);
            assertThat(descriptor.hasReconstruction()).isTrue();
            assertThat(descriptor.hasForecast()).isTrue();
            assertThat(descriptor.forecastLength()).isEqualTo(8);
        }

        @Test
        void encode_emptyBatchReturnsEmptyForecasts() {
            try (WindowEncoder encoder = model.newEncoder()) {
                EncoderOutput output = encoder.encode(new float[0][]);

                assertThat(output.size()).isZero();
                assertThat(output.forecasts()).isEmpty();
                assertThat(output.hasForecasts()).isTrue();
            }
        }
    }

    private static double maxDifference(float[][] actual, float[][] expected) {
        double max = 0;
        for (int row = 0; row < expected.length; row++) {
            for (int column = 0; column < expected[row].length; column++) {
                double difference = Math.abs(actual[row][column] - expected[row][column]);
                max = Math.max(max, difference / Math.max(1, Math.abs(expected[row][column])));
            }
        }
        return max;
    }

    private static void assertMatches(float[][] actual, float[][] expected, String name) {
        assertThat(actual).as(name).hasNumberOfRows(expected.length);
        for (int row = 0; row < expected.length; row++) {
            assertRowMatches(actual[row], expected[row], name, row);
        }
    }

    private static void assertRowMatches(float[] actual, float[] expected, String name, int row) {
        assertThat(actual).as("%s row %d", name, row).hasSize(expected.length);
        for (int column = 0; column < expected.length; column++) {
            double allowed = TOLERANCE * Math.max(1, Math.abs(expected[column]));
            assertThat((double) actual[column])
                    .as("%s row %d column %d", name, row, column)
                    .isCloseTo(expected[column], within(allowed));
        }
    }
}
