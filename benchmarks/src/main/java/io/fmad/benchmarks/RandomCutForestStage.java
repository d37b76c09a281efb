package io.fmad.benchmarks;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.MetricEvent;
import io.fmad.avro.Severity;
import io.fmad.evaluation.detectors.RandomCutForestDetector;
import io.fmad.job.FmadPipeline;
import io.fmad.job.config.FmadConfig;

import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The baseline detection stage: a Random Cut Forest per key, as OpenSearch anomaly detection runs
 * one per entity, with the evaluation's settings ({@link RandomCutForestDetector#newForest}). It
 * takes the place of fmad's window, encoder and detector stages; the source, incident,
 * interpreter and sink stages stay the same. The forest's own thresholder decides: a window with
 * an anomaly grade above 0 becomes an OPEN candidate.
 */
final class RandomCutForestStage implements FmadPipeline.DetectionStage {

    static final String DETECTOR = "random-cut-forest";

    @Override
    public DataStream<AnomalyAlert> apply(DataStream<MetricEvent> metrics, FmadConfig config) {
        return metrics.keyBy(event -> event.getKey().toString())
                .process(new ForestFunction(config.threshold))
                .name(DETECTOR)
                .uid(DETECTOR);
    }

    /** Keeps one forest per key in keyed state and scores each event with it. */
    static final class ForestFunction extends KeyedProcessFunction<String, MetricEvent, AnomalyAlert> {

        private static final long serialVersionUID = 1L;

        private final double threshold;
        private transient ValueState<ThresholdedRandomCutForest> forests;

        ForestFunction(double threshold) {
            this.threshold = threshold;
        }

        @Override
        public void open(OpenContext openContext) {
            forests = getRuntimeContext().getState(new ValueStateDescriptor<>("forest", new ForestSerializer()));
        }

        @Override
        public void processElement(MetricEvent event, Context ctx, Collector<AnomalyAlert> out) throws Exception {
            ThresholdedRandomCutForest forest = forests.value();
            if (forest == null) {
                forest = RandomCutForestDetector.newForest();
            }
            double value = event.getValues().values().iterator().next();
            long time = event.getTimestamp().toEpochMilli();
            AnomalyDescriptor descriptor = forest.process(new double[] {value}, time / 1000);
            forests.update(forest);
            double grade = descriptor.getAnomalyGrade();
            if (grade > 0) {
                out.collect(alert(event.getKey().toString(), time, Math.min(1.0, grade)));
            }
        }

        /** Returns the severity of an anomaly grade in (0, 1]. */
        private static Severity severity(double grade) {
            if (grade >= 0.9) {
                return Severity.HIGH;
            }
            if (grade >= 0.5) {
                return Severity.MEDIUM;
            }
            return Severity.LOW;
        }

        private AnomalyAlert alert(String key, long time, double grade) {
            String id = UUID.nameUUIDFromBytes((key + '|' + time + '|' + DETECTOR).getBytes(StandardCharsets.UTF_8))
                    .toString();
            return AnomalyAlert.newBuilder()
                    .setAlertId(id)
                    .setKey(key)
                    .setWindowStart(java.time.Instant.ofEpochMilli(time))
                    .setWindowEnd(java.time.Instant.ofEpochMilli(time))
                    .setScore(grade)
                    .setThreshold(threshold)
                    .setSeverity(severity(grade))
                    .setModelId(DETECTOR)
                    .setModelVersion("4.2.0")
                    .setDetector(DETECTOR)
                    .setContributions(Map.of())
                    .setStatistics(Map.of())
                    .setExplanation(null)
                    .setSimilarWindows(List.of())
                    .setStatus(AlertStatus.OPEN)
                    .build();
        }
    }
}
