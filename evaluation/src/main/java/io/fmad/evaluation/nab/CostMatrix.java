package io.fmad.evaluation.nab;

/**
 * The weights of one NAB application profile, as in NAB's {@code config/profiles.json}.
 *
 * <p>{@code tnWeight} is carried for completeness, but NAB's scorer never reads it.
 *
 * @param tpWeight weight of a detected window, earned in full by a detection on the window's first row
 * @param fpWeight maximum cost of each detection outside every window
 * @param fnWeight cost of a window without any detection
 * @param tnWeight weight of an undetected row outside every window (unused by NAB)
 */
public record CostMatrix(double tpWeight, double fpWeight, double fnWeight, double tnWeight) {

    /**
     * Creates a cost matrix.
     *
     * @throws IllegalArgumentException if a weight is negative, NaN or infinite
     */
    public CostMatrix {
        requireWeight("tpWeight", tpWeight);
        requireWeight("fpWeight", fpWeight);
        requireWeight("fnWeight", fnWeight);
        requireWeight("tnWeight", tnWeight);
    }

    private static void requireWeight(String name, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, but was " + value);
        }
    }
}
