package io.fmad.evaluation.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownsamplerTest {

    /** The row count of NAB's longest file, machine_temperature_system_failure.csv. */
    private static final int NAB_MAX_ROWS = 22_695;

    private static final List<String> DETECTORS = List.of("fmad", "randomCutForest", "windowedZScore");

    @Test
    void longSeries_isBoundedAndKeepsEveryDetection() {
        SeriesReport series = SyntheticReports.series("long.csv", NAB_MAX_ROWS, 4, DETECTORS, 7);
        // Isolated detections between spikes, closer together than one bucket.
        for (int row = 5000; row < NAB_MAX_ROWS; row += 997) {
            series.detectors().get(2).detections()[row] = true;
            series.detectors().get(2).detections()[row + 1] = true;
        }

        PlotSeries plot = Downsampler.downsample(series, Downsampler.DEFAULT_BUCKETS);

        assertThat(plot.buckets()).isLessThanOrEqualTo(Downsampler.DEFAULT_BUCKETS);
        assertThat(plot.values()).hasSize(2 * plot.buckets());
        for (int d = 0; d < DETECTORS.size(); d++) {
            DetectorSeries detector = series.detectors().get(d);
            assertThat(plot.detectionOffsetsMs().get(d))
                    .as("detections of %s", detector.detector())
                    .containsExactly(detectionOffsets(series, detector));
            assertThat(max(plot.scores().get(d))).isEqualTo(max(detector.scores()));
        }
        assertThat(max(plot.values())).isEqualTo(max(series.values()));
        assertThat(min(plot.values())).isEqualTo(min(series.values()));
    }

    @Test
    void longSeries_plotDataStaysSmall() {
        SeriesReport series = SyntheticReports.series("long.csv", NAB_MAX_ROWS, 4, DETECTORS, 7);

        String json = PlotDataJson.write(DETECTORS, new Palette(DETECTORS).colors(), List.of(series),
                Downsampler.DEFAULT_BUCKETS);

        assertThat(json.length()).isLessThan(200_000);
    }

    @Test
    void shortSeries_keepsEveryRow() {
        SeriesReport series = SyntheticReports.series("short.csv", 400, 1, DETECTORS, 8);

        PlotSeries plot = Downsampler.downsample(series, Downsampler.DEFAULT_BUCKETS);

        assertThat(plot.buckets()).isEqualTo(400);
        for (int row = 0; row < 400; row++) {
            assertThat(plot.values()[2 * row]).isEqualTo(series.values()[row]);
            assertThat(plot.values()[2 * row + 1]).isEqualTo(series.values()[row]);
        }
    }

    @Test
    void extremes_keepOrderOfOccurrence() {
        long[] timestamps = {0, 1, 2, 3};
        double[] values = {5, 9, 1, 4};
        SeriesReport series = new SeriesReport("s", timestamps, values, List.of(), 0, List.of());

        PlotSeries plot = Downsampler.downsample(series, 2);

        assertThat(plot.bucketOffsetsMs()).containsExactly(0, 2);
        assertThat(plot.values()).containsExactly(5, 9, 1, 4);
    }

    @Test
    void unorderedTimestamps_bucketByRow() {
        long[] timestamps = new long[5000];
        for (int row = 0; row < timestamps.length; row++) {
            timestamps[row] = (row % 2 == 0 ? row : -row) * 1000L;
        }
        SeriesReport series = new SeriesReport("s", timestamps, new double[5000], List.of(), 0, List.of());

        PlotSeries plot = Downsampler.downsample(series, 100);

        assertThat(plot.buckets()).isEqualTo(100);
    }

    @Test
    void equalTimestamps_formOneBucket() {
        SeriesReport series = new SeriesReport("s", new long[] {7, 7, 7}, new double[] {1, 3, 2}, List.of(), 0,
                List.of());

        PlotSeries plot = Downsampler.downsample(series, 100);

        assertThat(plot.buckets()).isLessThanOrEqualTo(3);
        assertThat(max(plot.values())).isEqualTo(3);
    }

    @Test
    void emptySeries_hasNoBuckets() {
        SeriesReport series = new SeriesReport("s", new long[0], new double[0], List.of(), 0,
                List.of(new DetectorSeries("fmad", new double[0], 0.5, new boolean[0], 0, 0, 0, 0)));

        PlotSeries plot = Downsampler.downsample(series, 100);

        assertThat(plot.buckets()).isZero();
        assertThat(plot.detectionOffsetsMs().get(0)).isEmpty();
    }

    @Test
    void zeroBuckets_isRejected() {
        SeriesReport series = new SeriesReport("s", new long[] {1}, new double[] {1}, List.of(), 0, List.of());

        assertThatThrownBy(() -> Downsampler.downsample(series, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBuckets");
    }

    private static long[] detectionOffsets(SeriesReport series, DetectorSeries detector) {
        return java.util.stream.IntStream.range(0, series.rows())
                .filter(row -> detector.detections()[row])
                .mapToLong(row -> series.timestamps()[row] - series.timestamps()[0])
                .toArray();
    }

    private static double max(double[] values) {
        return Arrays.stream(values).filter(v -> !Double.isNaN(v)).max().orElseThrow();
    }

    private static double min(double[] values) {
        return Arrays.stream(values).filter(v -> !Double.isNaN(v)).min().orElseThrow();
    }
}
