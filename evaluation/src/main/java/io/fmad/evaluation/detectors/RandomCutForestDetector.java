package io.fmad.evaluation.detectors;

import io.fmad.evaluation.SeriesData;

import com.amazon.randomcutforest.config.TransformMethod;
import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;

/**
 * Random Cut Forest as OpenSearch anomaly detection runs it: a {@link ThresholdedRandomCutForest}
 * per series with internal shingling and normalization, whose anomaly grade in [0, 1] is the row's
 * score. Trees and sample size are the library's defaults (50 and 256, as in
 * {@code RandomCutForest.DEFAULT_NUMBER_OF_TREES} and {@code DEFAULT_SAMPLE_SIZE} of 4.2.0), the
 * shingle is 8 points, and the seed is fixed so runs repeat.
 */
public final class RandomCutForestDetector extends PerSeriesDetector {

    private static final int SHINGLE_SIZE = 8;
    private static final int TREES = 50;
    private static final int SAMPLE_SIZE = 256;
    private static final long SEED = 42;

    @Override
    public String name() {
        return "randomCutForest";
    }

    /**
     * Returns a new forest with the settings in the class comment. The benchmark harness runs the
     * same forest per key inside a Flink job.
     */
    public static ThresholdedRandomCutForest newForest() {
        return ThresholdedRandomCutForest.builder()
                .dimensions(SHINGLE_SIZE)
                .shingleSize(SHINGLE_SIZE)
                .internalShinglingEnabled(true)
                .numberOfTrees(TREES)
                .sampleSize(SAMPLE_SIZE)
                .transformMethod(TransformMethod.NORMALIZE)
                .randomSeed(SEED)
                .build();
    }

    @Override
    double[] score(SeriesData series) {
        ThresholdedRandomCutForest forest = newForest();
        double[] scores = new double[series.rows()];
        for (int i = 0; i < scores.length; i++) {
            AnomalyDescriptor descriptor =
                    forest.process(new double[] {series.values()[i]}, series.timestamps()[i] / 1000);
            scores[i] = Math.max(0, Math.min(1, descriptor.getAnomalyGrade()));
        }
        return scores;
    }
}
