package io.fmad.job.local;

import io.fmad.avro.MetricEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Generates a replayable demo stream: several hosts, each with a CPU and a latency value on a
 * five-minute grid (as in most NAB series), following a daily pattern with noise, plus injected anomalies of four kinds.
 * The output is deterministic for a given seed and start time.
 */
public final class MetricGenerator {

    /** Kinds of injected anomaly. */
    public enum AnomalyKind {
        /** A few minutes of values far above normal. */
        SPIKE,
        /** A lasting step change of the level. */
        LEVEL_SHIFT,
        /** Noise several times larger than normal. */
        NOISE_BURST,
        /** The daily pattern stops and the value stays flat. */
        FLATLINE
    }

    /** One injected anomaly: which key and value, when, and of what kind. */
    public record InjectedAnomaly(String key, String valueName, Instant start, Instant end, AnomalyKind kind) {}

    /** The generated events, in event-time order across keys, and the anomalies injected. */
    public record GeneratedStream(List<MetricEvent> events, List<InjectedAnomaly> anomalies) {}

    /** Interval between points. */
    public static final Duration STEP = Duration.ofMinutes(5);
    private static final int POINTS_PER_DAY = 24 * 12;

    private final int keys;
    private final int days;
    private final long seed;

    /**
     * @param keys hosts to generate, each with two values
     * @param days days of five-minute data per host
     * @param seed seed of all random choices
     */
    public MetricGenerator(int keys, int days, long seed) {
        if (keys < 1 || days < 1) {
            throw new IllegalArgumentException("keys and days must be at least 1, were " + keys + " and " + days);
        }
        this.keys = keys;
        this.days = days;
        this.seed = seed;
    }

    /** Returns the key of host {@code index}, counted from 0, such as {@code host-01} for 0. */
    public static String hostKey(int index) {
        return String.format(Locale.ROOT, "host-%02d", index + 1);
    }

    /** Generates the stream starting at {@code start}, which is rounded down to the minute. */
    public GeneratedStream generate(Instant start) {
        Random random = new Random(seed);
        Instant origin = Instant.ofEpochMilli(start.toEpochMilli() / STEP.toMillis() * STEP.toMillis());
        int points = days * POINTS_PER_DAY;
        List<MetricEvent> events = new ArrayList<>(keys * points);
        List<InjectedAnomaly> anomalies = new ArrayList<>();
        AnomalyKind[] kinds = AnomalyKind.values();

        for (int k = 0; k < keys; k++) {
            String key = hostKey(k);
            double cpuLevel = 30 + 20 * random.nextDouble();
            double latencyLevel = 80 + 60 * random.nextDouble();
            double phase = random.nextDouble() * 2 * Math.PI / 8;

            // One anomaly per host, in the last half of the stream so it falls after warm-up.
            AnomalyKind kind = kinds[k % kinds.length];
            String anomalousValue = k % 2 == 0 ? "cpu" : "latency_ms";
            int anomalyStart = (int) (points * (0.5 + 0.4 * random.nextDouble()));
            int anomalyLength = kind == AnomalyKind.SPIKE ? 2 : 18 + random.nextInt(24);
            anomalies.add(
                    new InjectedAnomaly(
                            key,
                            anomalousValue,
                            origin.plus(STEP.multipliedBy(anomalyStart)),
                            origin.plus(STEP.multipliedBy(anomalyStart + anomalyLength - 1)),
                            kind));

            double flatValue = Double.NaN;
            for (int i = 0; i < points; i++) {
                double day = 2 * Math.PI * i / POINTS_PER_DAY;
                double daily = Math.sin(day - Math.PI / 2 + phase) + 0.3 * Math.sin(2 * day + phase);
                double cpu = cpuLevel * (1 + 0.35 * daily) + 2.0 * random.nextGaussian();
                double latency = latencyLevel * (1 + 0.2 * daily) + 6.0 * random.nextGaussian()
                        + (random.nextDouble() < 0.01 ? 25 * random.nextDouble() : 0);

                boolean inAnomaly = i >= anomalyStart && i < anomalyStart + anomalyLength;
                double normal = anomalousValue.equals("cpu") ? cpu : latency;
                double scale = anomalousValue.equals("cpu") ? cpuLevel : latencyLevel;
                double value = normal;
                if (inAnomaly) {
                    switch (kind) {
                        case SPIKE:
                            value = normal + 2.5 * scale;
                            break;
                        case LEVEL_SHIFT:
                            value = normal + 0.8 * scale;
                            break;
                        case NOISE_BURST:
                            value = normal + 0.4 * scale * random.nextGaussian();
                            break;
                        case FLATLINE:
                            if (Double.isNaN(flatValue)) {
                                flatValue = normal;
                            }
                            value = flatValue;
                            break;
                        default:
                            throw new IllegalStateException("Unhandled anomaly kind " + kind);
                    }
                }
                if (anomalousValue.equals("cpu")) {
                    cpu = value;
                } else {
                    latency = value;
                }

                Map<String, Double> values = new HashMap<>();
                values.put("cpu", Math.max(0, cpu));
                values.put("latency_ms", Math.max(0, latency));
                events.add(
                        MetricEvent.newBuilder()
                                .setKey(key)
                                .setTimestamp(origin.plus(STEP.multipliedBy(i)))
                                .setValues(values)
                                .setTags(Map.of("region", k < keys / 2 ? "eu-west" : "us-east"))
                                .build());
            }
        }

        events.sort(Comparator.comparing(MetricEvent::getTimestamp));
        return new GeneratedStream(events, anomalies);
    }
}
