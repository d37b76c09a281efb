package io.fmad.evaluation.nab;

/**
 * Row counts of a NAB score. They count rows after the probationary period, not windows.
 *
 * @param tp detected rows inside a window
 * @param tn undetected rows outside every window
 * @param fp detected rows outside every window
 * @param fn undetected rows inside a window
 */
public record Counts(int tp, int tn, int fp, int fn) {

    public static final Counts ZERO = new Counts(0, 0, 0, 0);

    /** Returns the number of rows counted, {@code tp + tn + fp + fn}. */
    public int total() {
        return tp + tn + fp + fn;
    }

    /** Returns the element-wise sum of these counts and {@code other}. */
    public Counts plus(Counts other) {
        return new Counts(tp + other.tp, tn + other.tn, fp + other.fp, fn + other.fn);
    }
}
