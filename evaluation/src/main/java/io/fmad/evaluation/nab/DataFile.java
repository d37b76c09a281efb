package io.fmad.evaluation.nab;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One NAB time series: its rows in file order and its labeled anomaly windows as row indices.
 *
 * <p>Instances are immutable, and accessors that return arrays return copies.
 */
public final class DataFile {

    /** Share of a file's rows that form the probationary period. */
    public static final double PROBATIONARY_FRACTION = 0.15;

    /** Upper bound on the probationary period in rows, {@code 0.15 * 5000}. */
    public static final int MAX_PROBATIONARY_LENGTH = 750;

    private final String name;
    private final LocalDateTime[] timestamps;
    private final double[] values;
    private final List<AnomalyWindow> windows;

    private DataFile(String name, LocalDateTime[] timestamps, double[] values, List<AnomalyWindow> windows) {
        this.name = name;
        this.timestamps = timestamps;
        this.values = values;
        this.windows = windows;
    }

    /**
     * Creates a data file.
     *
     * @param name path relative to NAB's {@code data/} folder, {@code <category>/<file>.csv}
     * @param timestamps row timestamps in file order
     * @param values row values, as many as timestamps
     * @param windows anomaly windows, sorted and non-overlapping, within the rows
     * @throws IllegalArgumentException if the name is not {@code <category>/<file>.csv}, the array lengths
     *     differ, or a window is out of range, out of order or overlaps another
     */
    public static DataFile of(String name, List<LocalDateTime> timestamps, double[] values, List<AnomalyWindow> windows) {
        Objects.requireNonNull(name, "name");
        int slash = name.indexOf('/');
        if (slash <= 0 || slash != name.lastIndexOf('/') || !name.endsWith(".csv") || name.length() - slash <= 5) {
            throw new IllegalArgumentException(
                    "Invalid NAB data file name '" + name + "': expected <category>/<file>.csv");
        }
        if (timestamps.size() != values.length) {
            throw new IllegalArgumentException("Data file " + name + " has " + timestamps.size()
                    + " timestamps but " + values.length + " values");
        }
        int previousEnd = -1;
        for (AnomalyWindow window : windows) {
            if (window.start() <= previousEnd || window.end() >= timestamps.size()) {
                throw new IllegalArgumentException("Data file " + name + " has window " + window
                        + " that overlaps the previous window, is out of order, or ends after row "
                        + (timestamps.size() - 1));
            }
            previousEnd = window.end();
        }
        return new DataFile(
                name,
                timestamps.toArray(new LocalDateTime[0]),
                values.clone(),
                List.copyOf(windows));
    }

    /**
     * Returns the length of NAB's probationary period for a file of {@code rowCount} rows:
     * {@code min(floor(0.15 * rowCount), 750)}. Rows before it are not scored.
     */
    public static int probationaryLength(int rowCount) {
        return (int) Math.min(Math.floor(PROBATIONARY_FRACTION * rowCount), MAX_PROBATIONARY_LENGTH);
    }

    /** Returns the path relative to NAB's {@code data/} folder, for example {@code realKnownCause/nyc_taxi.csv}. */
    public String name() {
        return name;
    }

    /** Returns the category folder, for example {@code realKnownCause}. */
    public String category() {
        return name.substring(0, name.indexOf('/'));
    }

    /** Returns the file name without category and extension, for example {@code nyc_taxi}. */
    public String baseName() {
        return name.substring(name.indexOf('/') + 1, name.length() - ".csv".length());
    }

    public int rowCount() {
        return timestamps.length;
    }

    public LocalDateTime timestamp(int row) {
        return timestamps[row];
    }

    public List<LocalDateTime> timestamps() {
        return Arrays.asList(timestamps.clone());
    }

    public double value(int row) {
        return values[row];
    }

    public double[] values() {
        return values.clone();
    }

    /** Returns the anomaly windows, sorted by row. */
    public List<AnomalyWindow> windows() {
        return windows;
    }

    /** Returns this file's probationary period in rows, as {@link #probationaryLength(int)} defines it. */
    public int probationaryLength() {
        return probationaryLength(timestamps.length);
    }

    /** Returns the number of rows after the probationary period, which are the rows NAB scores. */
    public int scoredRowCount() {
        return timestamps.length - probationaryLength();
    }

    /** Returns, for every row, the index of the window that contains it in {@link #windows()}, or -1. */
    public int[] windowIndexPerRow() {
        int[] result = new int[timestamps.length];
        Arrays.fill(result, -1);
        for (int w = 0; w < windows.size(); w++) {
            AnomalyWindow window = windows.get(w);
            Arrays.fill(result, window.start(), window.end() + 1, w);
        }
        return result;
    }

    /** Returns NAB's {@code label} column: 1 for rows inside a window, 0 otherwise. */
    public int[] labels() {
        int[] result = new int[timestamps.length];
        for (AnomalyWindow window : windows) {
            Arrays.fill(result, window.start(), window.end() + 1, 1);
        }
        return result;
    }

    /**
     * Returns a copy with the windows given as inclusive timestamp ranges. NAB requires each bound to equal a
     * row's timestamp exactly and takes the first such row.
     *
     * @throws IllegalArgumentException if a bound matches no row
     */
    public DataFile withWindowTimes(List<LocalDateTime[]> windowTimes) {
        List<AnomalyWindow> mapped = new ArrayList<>(windowTimes.size());
        for (LocalDateTime[] bounds : windowTimes) {
            mapped.add(new AnomalyWindow(rowOf(bounds[0]), rowOf(bounds[1])));
        }
        return of(name, Arrays.asList(timestamps), values, mapped);
    }

    private int rowOf(LocalDateTime timestamp) {
        for (int i = 0; i < timestamps.length; i++) {
            if (timestamps[i].equals(timestamp)) {
                return i;
            }
        }
        throw new IllegalArgumentException("Window bound " + timestamp + " of data file " + name
                + " matches no row timestamp. NAB windows must start and end on a row");
    }

    @Override
    public String toString() {
        return name + " (" + timestamps.length + " rows, " + windows.size() + " windows)";
    }
}
