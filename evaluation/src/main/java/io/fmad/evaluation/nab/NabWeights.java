package io.fmad.evaluation.nab;

import java.util.List;

/**
 * NAB's per-row weights ("sweep scores"): what a detection on a row would add to the score.
 *
 * <p>Inside a window the weight is positive and falls along a scaled sigmoid from {@code tpWeight} on the
 * window's first row to nearly 0 on its last. Outside, it is negative and approaches {@code -fpWeight} with
 * the distance to the preceding window, or is exactly {@code -fpWeight} before the first window.
 */
public final class NabWeights {

    /** Steepness of the scaled sigmoid. */
    public static final double SIGMOID_STEEPNESS = 5.0;

    /** Relative positions above this value give exactly -1, far past a window. */
    public static final double SIGMOID_CLIP = 3.0;

    /** {@code scaledSigmoid(-1)}, the value on a window's first row, used to scale true positives to 1. */
    public static final double MAX_TP = scaledSigmoid(-1.0);

    private NabWeights() {}

    /**
     * Returns NAB's scaled sigmoid of a relative position: {@code 2 / (1 + exp(5 * y)) - 1}, or exactly -1
     * when {@code y > 3}. Position -1 is a window's first row, 0 its right edge, and positive values lie
     * after it, measured in window widths.
     */
    public static double scaledSigmoid(double relativePosition) {
        if (relativePosition > SIGMOID_CLIP) {
            return -1.0;
        }
        return 2 * sigmoid(-SIGMOID_STEEPNESS * relativePosition) - 1.0;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /**
     * Returns the weight of every row of a file, probationary rows included. NAB writes these values in the
     * {@code S(t)_<profile>} columns of current result files.
     */
    public static double[] weightedScores(DataFile file, CostMatrix costMatrix) {
        int rowCount = file.rowCount();
        List<AnomalyWindow> windows = file.windows();
        double[] weights = new double[rowCount];

        int nextWindow = 0;
        AnomalyWindow current = null;
        int previousEnd = -1;
        int previousWidth = 0;
        for (int i = 0; i < rowCount; i++) {
            if (nextWindow < windows.size() && windows.get(nextWindow).start() == i) {
                current = windows.get(nextWindow++);
            }

            if (current != null) {
                // -1 on the first row, -1/width on the last: a row is never at position 0.
                double position = -(current.end() - i + 1) / (double) current.width();
                weights[i] = scaledSigmoid(position) * costMatrix.tpWeight() / MAX_TP;
            } else if (previousEnd < 0) {
                weights[i] = -1.0 * costMatrix.fpWeight();
            } else {
                // NAB divides by the preceding window's width minus one, not by its width.
                double position = Math.abs(previousEnd - i) / (double) (previousWidth - 1);
                weights[i] = scaledSigmoid(position) * costMatrix.fpWeight();
            }

            if (current != null && i == current.end()) {
                previousEnd = i;
                previousWidth = current.width();
                current = null;
            }
        }
        return weights;
    }
}
