package io.fmad.models;

import java.util.Random;

/** Deterministic test windows: noisy sine waves, standardized to zero mean and unit variance. */
final class TestWindows {

    private TestWindows() {}

    static float[][] sineWindows(int count, int length, long seed) {
        Random random = new Random(seed);
        float[][] windows = new float[count][length];
        for (int row = 0; row < count; row++) {
            double period = 8 + random.nextInt(24);
            double phase = random.nextDouble() * 2 * Math.PI;
            double[] values = new double[length];
            double sum = 0;
            for (int i = 0; i < length; i++) {
                values[i] = Math.sin(2 * Math.PI * i / period + phase) + 0.1 * random.nextGaussian();
                sum += values[i];
            }
            double mean = sum / length;
            double squares = 0;
            for (double value : values) {
                squares += (value - mean) * (value - mean);
            }
            double deviation = Math.sqrt(squares / length);
            for (int i = 0; i < length; i++) {
                windows[row][i] = (float) ((values[i] - mean) / deviation);
            }
        }
        return windows;
    }
}
