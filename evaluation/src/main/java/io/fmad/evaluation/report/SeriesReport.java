package io.fmad.evaluation.report;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One scored series: its rows, its labels and each detector's output on it. The arrays are not copied, so
 * callers must not change them afterwards.
 *
 * @param name the file name, for example {@code realKnownCause/nyc_taxi.csv}
 * @param timestamps event times in epoch milliseconds, ascending
 * @param values the value of each row
 * @param labeledWindows anomaly windows as {@code {startMs, endMs}}, both ends inclusive, or empty for a
 *     series without labeled anomalies
 * @param probationaryRows the number of leading rows that NAB does not score
 * @param detectors one entry per detector, each with one score and one detection flag per row
 */
public record SeriesReport(String name, long[] timestamps, double[] values, List<long[]> labeledWindows,
                           int probationaryRows, List<DetectorSeries> detectors) {

    public SeriesReport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(timestamps, "timestamps");
        Objects.requireNonNull(values, "values");
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException("Series " + name + " has " + timestamps.length + " timestamps but "
                    + values.length + " values");
        }
        if (probationaryRows < 0) {
            throw new IllegalArgumentException(
                    "Series " + name + " has a negative probationary period: " + probationaryRows + " rows");
        }
        labeledWindows = List.copyOf(labeledWindows);
        for (long[] window : labeledWindows) {
            if (window.length != 2 || window[0] > window[1]) {
                throw new IllegalArgumentException("Series " + name + " has an invalid window "
                        + Arrays.toString(window) + "; expected {startMs, endMs} with startMs <= endMs");
            }
        }
        detectors = List.copyOf(detectors);
        for (DetectorSeries detector : detectors) {
            if (detector.scores().length != timestamps.length) {
                throw new IllegalArgumentException("Series " + name + " has " + timestamps.length
                        + " rows but detector " + detector.detector() + " has " + detector.scores().length
                        + " scores");
            }
        }
    }

    /** Returns the number of rows. */
    public int rows() {
        return timestamps.length;
    }
}
