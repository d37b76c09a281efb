package io.fmad.evaluation;

import java.util.Objects;

/**
 * One labeled corpus file as a detector reads it: a name, which is the file's path relative to the
 * corpus data folder, and its rows in file order.
 *
 * @param name for example {@code realKnownCause/nyc_taxi.csv}
 * @param timestamps event times in epoch milliseconds, ascending
 * @param values the value of each row
 */
public record SeriesData(String name, long[] timestamps, double[] values) {

    public SeriesData {
        Objects.requireNonNull(name, "name");
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException(
                    "Series " + name + " has " + timestamps.length + " timestamps but " + values.length + " values");
        }
    }

    public int rows() {
        return timestamps.length;
    }
}
