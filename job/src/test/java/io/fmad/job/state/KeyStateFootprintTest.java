package io.fmad.job.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.MetricEvent;
import io.fmad.job.FmadPipeline;
import io.fmad.job.TestEvents;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.detect.DetectorSettings;
import io.fmad.job.detect.DetectorState;
import io.fmad.job.detect.WindowAnomalyDetector;
import io.fmad.job.encode.EmbeddedWindow;
import io.fmad.job.incident.IncidentOperator;
import io.fmad.job.incident.IncidentSettings;
import io.fmad.job.incident.IncidentState;
import io.fmad.job.window.SeriesWindow;
import io.fmad.job.window.SlidingWindowFunction;
import io.fmad.job.window.WindowState;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * Measures the checkpointed keyed state of one univariate key at steady state, with every ring and
 * memory full, and checks it against {@value #BUDGET_BYTES} bytes summed over the job's keyed operators.
 *
 * <p>The key runs through the real window function and detector with the job's default settings:
 * {@value #POINTS} points of a counter near 1e12 with a daily cycle, 5 minutes apart, so the seasonal
 * memory (two days of 288 windows) and every block of the records are full. The embeddings are
 * generated, a fixed random projection of the normalized window, because the budget depends on the
 * embedding size and not on the values. The last points jump far above the key's range, so the
 * detector alerts and the incident stage opens an incident. Sizes are those of the Flink POJO
 * serializers that the operators' state descriptors use, without the key, namespace and time-to-live
 * timestamp that a checkpoint adds per entry.
 */
class KeyStateFootprintTest {

    /** Checkpointed bytes allowed per univariate key, summed over the window, detector and incident state. */
    static final int BUDGET_BYTES = 4096;

    private static final int POINTS = 3_000;
    private static final long STEP_MS = Duration.ofMinutes(5).toMillis();
    private static final long START_MS = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final String KEY = "host-1/requests";
    private static final int EMBEDDING_DIM = 16;
    private static final int FORECAST_LENGTH = 8;

    private final Random random = new Random(11);

    @Test
    void univariateKey_fitsStateBudget() throws Exception {
        FmadConfig config = FmadConfig.defaults();
        DetectorSettings defaults = FmadPipeline.detectorSettings(config);
        DetectorSettings settings = new DetectorSettings(
                defaults.signals(), defaults.calibratedZ(), defaults.threshold(), defaults.warmUp(),
                defaults.scoreSpan(), defaults.cooldown(), defaults.rearmBelow(), defaults.levelSigmas(),
                defaults.levelPoints(), defaults.rangeMargin(), defaults.rangeSpan(), defaults.recordSpan(),
                defaults.seasonPeriod(), Duration.ZERO);

        var windows = new KeyedOneInputStreamOperatorTestHarness<String, MetricEvent, SeriesWindow>(
                new KeyedProcessOperator<>(
                        new SlidingWindowFunction(config.windowSize, config.windowSlide, config.baselineSpan, Duration.ZERO)),
                event -> event.getKey().toString(), Types.STRING);
        var detector = new KeyedOneInputStreamOperatorTestHarness<String, EmbeddedWindow, AnomalyAlert>(
                new KeyedProcessOperator<>(new WindowAnomalyDetector(settings)), EmbeddedWindow::key, Types.STRING);
        var incidents = new KeyedOneInputStreamOperatorTestHarness<String, AnomalyAlert, AnomalyAlert>(
                new KeyedProcessOperator<>(new IncidentOperator(
                        new IncidentSettings(Duration.ofHours(1), Duration.ofMinutes(15), List.of()), Duration.ZERO)),
                IncidentOperator::incidentKey, Types.STRING);
        windows.open();
        detector.open();
        incidents.open();
        try {
            float[][] projection = projection();
            for (int i = 0; i < POINTS; i++) {
                long timestamp = START_MS + i * STEP_MS;
                windows.processElement(TestEvents.metric(KEY, timestamp, value(i)), timestamp);
                windows.processWatermark(timestamp);
                for (SeriesWindow window : windows.extractOutputValues()) {
                    detector.processElement(embed(window, projection), window.end);
                }
                windows.getOutput().clear();
            }
            List<AnomalyAlert> alerts = detector.extractOutputValues().stream()
                    .filter(candidate -> candidate.getStatus() == AlertStatus.OPEN)
                    .toList();
            assertThat(alerts).as("the jump at the end raises an alert").isNotEmpty();
            AnomalyAlert alert = alerts.get(alerts.size() - 1);
            incidents.processElement(new StreamRecord<>(alert, alert.getWindowEnd().toEpochMilli()));

            int windowBytes = serializedBytes(windows, KEY, "window", WindowState.class);
            int detectorBytes = serializedBytes(detector, KEY, "detector", DetectorState.class);
            int incidentBytes = serializedBytes(
                    incidents, IncidentOperator.incidentKey(alert), "incident", IncidentState.class);
            int total = windowBytes + detectorBytes + incidentBytes;
            LoggerFactory.getLogger(KeyStateFootprintTest.class).info(
                    "Keyed state of one univariate key: window {} B, detector {} B, incident {} B, total {} B",
                    windowBytes, detectorBytes, incidentBytes, total);

            assertThat(incidentBytes).as("an incident is open").isGreaterThan(1);
            assertThat(total).as("window %d B + detector %d B + incident %d B", windowBytes, detectorBytes, incidentBytes)
                    .isLessThanOrEqualTo(BUDGET_BYTES);
        } finally {
            incidents.close();
            detector.close();
            windows.close();
        }
    }

    /** Returns point {@code i} of a counter near 1e12 with a daily cycle of ±2,000 and noise of 100; the last 10 points jump by 1e6. */
    private double value(int i) {
        double daily = 2_000.0 * Math.sin(2 * Math.PI * i / 288.0);
        double jump = i >= POINTS - 10 ? 1e6 : 0.0;
        return 1e12 + daily + 100.0 * random.nextGaussian() + jump;
    }

    private float[][] projection() {
        Random fixed = new Random(3);
        float[][] projection = new float[EMBEDDING_DIM][];
        for (int d = 0; d < EMBEDDING_DIM; d++) {
            projection[d] = new float[64];
            for (int i = 0; i < projection[d].length; i++) {
                projection[d][i] = (float) (fixed.nextGaussian() / 8.0);
            }
        }
        return projection;
    }

    /** Encodes a window as the default encoder's outputs are shaped: 16 dimensions, 8 forecast steps. */
    private EmbeddedWindow embed(SeriesWindow window, float[][] projection) {
        EmbeddedWindow embedded = new EmbeddedWindow();
        embedded.window = window;
        embedded.embeddingDim = EMBEDDING_DIM;
        embedded.embeddings = new float[EMBEDDING_DIM];
        for (int d = 0; d < EMBEDDING_DIM; d++) {
            double sum = 0;
            for (int i = 0; i < window.windowSize; i++) {
                sum += projection[d][i % projection[d].length] * window.normalized[i];
            }
            embedded.embeddings[d] = (float) Math.tanh(sum);
        }
        embedded.reconstructionErrors = new float[] {(float) (0.05 * Math.exp(0.3 * random.nextGaussian()))};
        embedded.forecastLength = FORECAST_LENGTH;
        embedded.forecasts = new float[FORECAST_LENGTH];
        for (int s = 0; s < FORECAST_LENGTH; s++) {
            embedded.forecasts[s] = window.normalized[window.windowSize - 1] + (float) (0.1 * random.nextGaussian());
        }
        embedded.modelId = "fmad-ts-fm";
        embedded.modelVersion = "3";
        return embedded;
    }

    /** Returns the bytes of {@code key}'s value state {@code name} as its POJO serializer writes them. */
    private static <T> int serializedBytes(
            KeyedOneInputStreamOperatorTestHarness<String, ?, ?> harness, String key, String name, Class<T> type)
            throws Exception {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        ValueStateDescriptor<T> descriptor = new ValueStateDescriptor<>(name, TypeInformation.of(type));
        ValueState<T> state =
                backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
        T value = state.value();
        assertThat(value).as("state %s of key %s", name, key).isNotNull();
        TypeSerializer<T> serializer = TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer output = new DataOutputSerializer(4096);
        serializer.serialize(value, output);
        return output.length();
    }
}
