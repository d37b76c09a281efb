package io.fmad.benchmarks;

import io.fmad.avro.MetricEvent;

import java.time.Instant;
import java.util.Map;

/**
 * The benchmark's input: {@code keys} univariate series, one event per key and round, in round
 * order so every partition is in event-time order. Each key follows a daily cycle with noise, and
 * one event in {@value #SPIKE_EVERY} is a spike of 12 standard deviations, so detectors have
 * something to report. Values depend only on key, round and the seed, so every run reads the same
 * stream.
 */
final class SyntheticMetrics {

    /** Default event time between two rounds, and so between two events of one key. */
    static final long STEP_MILLIS = 60_000;

    /** One event in this many, on average, is a spike. */
    static final int SPIKE_EVERY = 2_000;

    private static final String VALUE_NAME = "value";
    private static final long SEED = 0x5eed_f3adL;

    private final int keys;
    private final long origin;
    private final long step;
    private final String[] names;

    SyntheticMetrics(int keys, long originMillis) {
        this(keys, originMillis, STEP_MILLIS);
    }

    /** A stream whose round {@code r} is at {@code originMillis + r * stepMillis}. */
    SyntheticMetrics(int keys, long originMillis, long stepMillis) {
        this.keys = keys;
        this.origin = originMillis;
        this.step = stepMillis;
        this.names = new String[keys];
        for (int k = 0; k < keys; k++) {
            names[k] = String.format("host-%06d", k);
        }
    }

    int keys() {
        return keys;
    }

    String key(int k) {
        return names[k];
    }

    /** Event time of round {@code round}, in epoch milliseconds. */
    long timestamp(long round) {
        return origin + round * step;
    }

    /** Returns key {@code k}'s event of round {@code round}. */
    MetricEvent event(int k, long round) {
        return event(k, round, timestamp(round));
    }

    /** Returns key {@code k}'s event of round {@code round}, at event time {@code timestampMillis}. */
    MetricEvent event(int k, long round, long timestampMillis) {
        return MetricEvent.newBuilder()
                .setKey(names[k])
                .setTimestamp(Instant.ofEpochMilli(timestampMillis))
                .setValues(Map.of(VALUE_NAME, value(k, round)))
                .setTags(Map.of())
                .build();
    }

    /** Returns the value of key {@code k} in round {@code round}. */
    double value(int k, long round) {
        long h = mix(SEED ^ (k * 0x9E3779B97F4A7C15L) ^ (round * 0xC2B2AE3D27D4EB4FL));
        double level = 50 + (k % 17);
        double daily = 10 * Math.sin(2 * Math.PI * (round + k) / 1_440.0);
        double noise = gaussian(h);
        boolean spike = Long.remainderUnsigned(mix(h), SPIKE_EVERY) == 0;
        return level + daily + noise + (spike ? 12 : 0);
    }

    /** Returns an approximately standard normal value from the 64 random bits {@code h}: a rescaled sum of 4 uniforms. */
    private static double gaussian(long h) {
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += ((h >>> (16 * i)) & 0xFFFF) / 65_536.0;
        }
        return (sum - 2.0) * Math.sqrt(3.0);
    }

    /** SplitMix64's finalizer: a well-spread 64-bit hash. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
