package io.fmad.job;

import io.fmad.avro.MetricEvent;
import io.fmad.job.window.SeriesWindow;

import java.time.Instant;
import java.util.Map;

/** Builders of the job's input and intermediate records for tests. */
public final class TestEvents {

    private TestEvents() {}

    public static MetricEvent metric(String key, long timestamp, double value) {
        return metric(key, timestamp, Map.of("value", value));
    }

    public static MetricEvent metric(String key, long timestamp, Map<String, Double> values) {
        return MetricEvent.newBuilder()
                .setKey(key)
                .setTimestamp(Instant.ofEpochMilli(timestamp))
                .setValues(values)
                .build();
    }

    /** Builds a one-channel window of {@code values}, ending at point {@code sequence}. */
    public static SeriesWindow window(String key, long sequence, float[] values) {
        SeriesWindow window = new SeriesWindow();
        window.key = key;
        window.sequence = sequence;
        window.windowSize = values.length;
        window.start = sequence - values.length + 1;
        window.end = sequence;
        window.valueNames = new String[] {"value"};
        window.normalized = values.clone();
        window.last = new double[] {values[values.length - 1]};
        window.mean = new double[] {0};
        window.min = new double[] {0};
        window.max = new double[] {0};
        window.baselineMean = new double[] {0};
        window.baselineStddev = new double[] {1};
        return window;
    }
}
