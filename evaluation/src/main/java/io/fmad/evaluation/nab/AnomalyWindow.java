package io.fmad.evaluation.nab;

/**
 * A labeled anomaly window of one data file, as inclusive 0-based row indices.
 *
 * @param start index of the window's first row
 * @param end index of the window's last row, at least {@code start + 1}
 */
public record AnomalyWindow(int start, int end) {

    /**
     * Creates a window.
     *
     * @throws IllegalArgumentException if {@code start} is negative or the window has fewer than two rows,
     *     because NAB's false-positive weighting divides by the width of the preceding window minus one
     */
    public AnomalyWindow {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException(
                    "Anomaly window [" + start + ", " + end + "] is invalid: it needs 0 <= start < end");
        }
    }

    /** Returns the number of rows in the window. */
    public int width() {
        return end - start + 1;
    }

    /** Returns whether {@code row} lies inside this window. */
    public boolean contains(int row) {
        return row >= start && row <= end;
    }
}
