package io.fmad.job.detect;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Severity;
import io.fmad.avro.SimilarWindow;
import io.fmad.avro.ValueStatistics;
import io.fmad.job.encode.EmbeddedWindow;
import io.fmad.job.state.KeyedStateExpiry;
import io.fmad.job.window.SeriesWindow;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Scores each embedded window against its key's own history and emits an {@link AnomalyAlert}
 * candidate when the score reaches the threshold: with status OPEN when the alert policy raises an
 * alert, and UPDATE when it holds one back (cooldown, not re-armed), so that the incident stage
 * ({@link io.fmad.job.incident.IncidentOperator}) can tell a lasting anomaly from a new one.
 *
 * <p>Scoring is {@link AnomalyScorer}: the model's reconstruction error and the distance to the
 * same time one and two seasonal periods back, calibrated per key, the level of the newest values
 * and how far the newest value leaves the key's recent range, combined into [0, 1]. A key alerts
 * only after {@code warmUp} windows, at most once per {@code cooldown} windows, and, after an
 * alert, only once its score has fallen below {@code rearmBelow}. A value outside the key's recent
 * range is the exception: it may alert {@value AlertPolicy#RANGE_COOLDOWN} windows after the previous alert,
 * re-armed or not, because on labeled data it is by far the most precise signal and the widened
 * range keeps it from repeating. A key whose
 * number of values or embedding size changes, or whose state has a layout older than version 2,
 * starts over, warm-up included.
 *
 * <p>Each alert lists the {@value WindowHistory#TOP_K} past windows of its key whose embeddings are
 * most similar to the alerted window's, from the key's embedding memory, which samples every {@value
 * EmbeddingMemory#STRIDE}-th window and keeps every alerted one ({@link WindowHistory}), and whether
 * each of them alerted.
 *
 * <p>Alert ids are name-based UUIDs of key, window end, detector and model, so the same window
 * yields the same id when it is scored again after a failure.
 */
public class WindowAnomalyDetector
        extends KeyedProcessFunction<String, EmbeddedWindow, AnomalyAlert> {

    private static final long serialVersionUID = 1L;

    /** The detector's name in alerts. */
    public static final String NAME = "window-anomaly";


    /** Side output with the score of every window, for evaluations. */
    public static final OutputTag<WindowScore> SCORES = new OutputTag<>("window-scores") {};

    /** Accumulator with the number of alerts emitted, for the local runner and tests. */
    public static final String ALERTS_ACCUMULATOR = "alertsEmitted";

    private final DetectorSettings settings;

    private transient AnomalyScorer scorer;
    private transient AlertPolicy policy;
    private transient ValueState<DetectorState> state;
    private transient Counter windowsScored;
    private transient Counter alertsEmitted;
    private transient Counter alertsInCooldown;
    /** Score of every window, in millionths because Flink histograms record long values: 999000 is 0.999. */
    private transient Histogram scorePpm;
    private transient LongCounter alertsAccumulator;

    public WindowAnomalyDetector(DetectorSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        scorer = new AnomalyScorer(settings);
        policy = new AlertPolicy(settings);
        state =
                getRuntimeContext()
                        .getState(
                                KeyedStateExpiry.expireAfterWrite(
                                        new ValueStateDescriptor<>(
                                                "detector", TypeInformation.of(DetectorState.class)),
                                        settings.stateTtl()));
        var metrics = getRuntimeContext().getMetricGroup().addGroup("detector");
        windowsScored = metrics.counter("windowsScored");
        alertsEmitted = metrics.counter("alertsEmitted");
        alertsInCooldown = metrics.counter("alertsInCooldown");
        scorePpm = metrics.histogram("scorePpm", new DescriptiveStatisticsHistogram(512));
        alertsAccumulator = new LongCounter();
        getRuntimeContext().addAccumulator(ALERTS_ACCUMULATOR, alertsAccumulator);
    }

    @Override
    public void processElement(EmbeddedWindow window, Context ctx, Collector<AnomalyAlert> out)
            throws Exception {
        DetectorState current = state.value();
        int channels = window.window.channels();
        if (current == null
                || !current.upgrade(settings.seasonalPeriod())
                || current.channels != channels
                || current.embeddingDim != window.embeddingDim) {
            current = DetectorState.create(channels, window.embeddingDim, settings.recordSpan(), settings.rangeSpan());
        }

        AnomalyScorer.Result result = scorer.scoreAndUpdate(current, window);
        windowsScored.inc();
        scorePpm.update(Math.round(result.score() * 1_000_000));

        boolean alerted = false;
        double reported = 0.0;
        AlertPolicy.Decision decision = policy.decide(current, result);
        if (decision == AlertPolicy.Decision.ALERT) {
            List<WindowHistory.Match> similar =
                    WindowHistory.mostSimilar(
                            current, window.embeddings, window.window.start, window.window.end, WindowHistory.TOP_K);
            AnomalyAlert alert = toAlert(window, result, similar);
            reported = alert.getScore();
            out.collect(alert);
            alertsEmitted.inc();
            alertsAccumulator.add(1L);
            alerted = true;
        } else if (decision == AlertPolicy.Decision.SUPPRESSED) {
            alertsInCooldown.inc();
            // Still anomalous: the incident stage extends the key's open incident with it. The
            // similar-window search is left out, because an update is rarely read for it.
            AnomalyAlert update = toAlert(window, result, List.of());
            update.setStatus(AlertStatus.UPDATE);
            out.collect(update);
        }
        if (alerted) {
            EmbeddingMemory.storeAlerted(
                    current, window.embeddings, current.windowsSeen - 1, window.window.start, window.window.end);
        }
        boolean warm = policy.isWarm(current);
        state.update(current);
        if (!alerted && warm) {
            reported = result.score();
        }
        ctx.output(SCORES, new WindowScore(window.key(), window.window.end, reported, alerted));
    }

    private AnomalyAlert toAlert(
            EmbeddedWindow embedded, AnomalyScorer.Result result, List<WindowHistory.Match> similar) {
        SeriesWindow window = embedded.window;
        Map<String, Double> contributions = new HashMap<>();
        Map<String, ValueStatistics> statistics = new HashMap<>();
        double[] shares = contributionShares(result.channelZ());
        for (int c = 0; c < window.channels(); c++) {
            String name = window.valueNames[c];
            contributions.put(name, shares[c]);
            statistics.put(
                    name,
                    ValueStatistics.newBuilder()
                            .setLast(window.last[c])
                            .setMean(window.mean[c])
                            .setMin(window.min[c])
                            .setMax(window.max[c])
                            .setBaselineMean(window.baselineMean[c])
                            .setBaselineStddev(window.baselineStddev[c])
                            .setMaxTime(time(window.maxTime, c))
                            .setMinTime(time(window.minTime, c))
                            .setDepartureStart(time(window.departureStart, c))
                            .setDepartureEnd(time(window.departureEnd, c))
                            .build());
        }
        List<SimilarWindow> similarWindows = new ArrayList<>(similar.size());
        for (WindowHistory.Match match : similar) {
            similarWindows.add(
                    SimilarWindow.newBuilder()
                            .setWindowStart(Instant.ofEpochMilli(match.windowStart()))
                            .setWindowEnd(Instant.ofEpochMilli(match.windowEnd()))
                            .setSimilarity(match.similarity())
                            .setAlerted(match.alerted())
                            .build());
        }

        return AnomalyAlert.newBuilder()
                .setAlertId(alertId(window.key, window.end, embedded.modelId, embedded.modelVersion))
                .setKey(window.key)
                .setWindowStart(Instant.ofEpochMilli(window.start))
                .setWindowEnd(Instant.ofEpochMilli(window.end))
                .setScore(Math.max(result.score(), result.rangeScore()))
                .setThreshold(settings.threshold())
                .setSeverity(severity(Math.max(result.maxZ(), result.rangeZ())))
                .setModelId(embedded.modelId)
                .setModelVersion(embedded.modelVersion)
                .setDetector(NAME)
                .setContributions(contributions)
                .setStatistics(statistics)
                .setExplanation(null)
                .setSimilarWindows(similarWindows)
                .build();
    }

    /**
     * Returns channel {@code c}'s time from a {@link SeriesWindow} time array, or null when the array
     * is missing (windows built without times) or contains {@link SeriesWindow#NO_TIME}.
     */
    private static Instant time(long[] times, int c) {
        if (times == null || times[c] == SeriesWindow.NO_TIME) {
            return null;
        }
        return Instant.ofEpochMilli(times[c]);
    }

    /** Name-based (type 3) UUID of the fields that identify one scored window. */
    static String alertId(String key, long windowEnd, String modelId, String modelVersion) {
        String name = key + '\u0000' + windowEnd + '\u0000' + NAME + '\u0000' + modelId + '\u0000' + modelVersion;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Grades an alert by the upper-tail probability of its z-score: below 1e-7 is critical, below
     * 1e-5 high, below 1e-4 medium, anything else low.
     */
    public static Severity severity(double z) {
        double tail = AnomalyScorer.upperTail(z);
        if (tail < 1e-7) {
            return Severity.CRITICAL;
        }
        if (tail < 1e-5) {
            return Severity.HIGH;
        }
        if (tail < 1e-4) {
            return Severity.MEDIUM;
        }
        return Severity.LOW;
    }

    /** Returns each channel's share of the positive z-scores, or equal shares when none is positive. */
    static double[] contributionShares(double[] z) {
        double[] shares = new double[z.length];
        double total = 0;
        for (double value : z) {
            total += Math.max(0, value);
        }
        for (int c = 0; c < z.length; c++) {
            shares[c] = total > 0 ? Math.max(0, z[c]) / total : 1.0 / z.length;
        }
        return shares;
    }
}
