package io.fmad.evaluation.detectors;

/** Tail probabilities of the standard normal distribution. */
final class Normal {

    private Normal() {}

    /** P(Z > z) for a standard normal Z, by a Chebyshev fit of erfc with fractional error below 1.2e-7. */
    static double upperTail(double z) {
        double x = z / Math.sqrt(2.0);
        double t = 1.0 / (1.0 + 0.5 * Math.abs(x));
        double polynomial = -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277))))))));
        double erfc = t * Math.exp(polynomial);
        return 0.5 * (x >= 0 ? erfc : 2.0 - erfc);
    }
}
