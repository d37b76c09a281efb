package io.fmad.job.logs;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Explanation;
import io.fmad.avro.Severity;
import io.fmad.avro.ValueStatistics;
import io.fmad.job.state.KeyedStateExpiry;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flags log lines unlike their key's history: a line alerts when its template is new to the key
 * and the {@link NoveltyScorer} score reaches the threshold.
 *
 * <p>A line whose template the key remembers costs a hash lookup and never alerts. A new template
 * is embedded (through the subtask's {@link TemplateEmbeddingCache}), compared by cosine distance
 * with the key's remembered templates, scored, and then remembered, so each new template alerts at
 * most once while it stays in memory. A key alerts only after {@code warmUp} lines, and at most
 * once per {@code cooldown} of event time; a new template in the cooldown is remembered without an
 * alert and counted in {@code alertsInCooldown}.
 *
 * <p>Lines are scored in arrival order per key, which is Kafka partition order, not event-time
 * order; novelty does not depend on the order of lines that are close in time.
 *
 * <p>Alerts carry the template, never the raw message, in an explanation written here; the job's
 * interpreter stage keeps it. Alert ids are name-based UUIDs of key, line time, template, detector
 * and model, so a line scored again after a restart yields the same id. That holds because the
 * embedder is deterministic (see {@link TemplateEmbedder}).
 *
 * <p>Metrics, in the group {@code log-detector}: counters {@code linesScored}, {@code newTemplates},
 * {@code alertsEmitted} and {@code alertsInCooldown}; the embedding cache adds its own group.
 */
public class LogNoveltyDetector extends KeyedProcessFunction<String, LogLine, AnomalyAlert> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LogNoveltyDetector.class);

    /** The detector's name in alerts and in their explanations. */
    public static final String NAME = "log-novelty";

    /** Accumulator with the number of alerts emitted, for the local runner and tests. */
    public static final String ALERTS_ACCUMULATOR = "logAlertsEmitted";

    /** Contribution key of the key's rate of new templates. */
    public static final String NEW_TEMPLATE = "new-template";
    /** Contribution and statistics key of the distance to the nearest remembered template. */
    public static final String DISTANCE = "distance";
    /** Contribution key of the line's level. */
    public static final String LEVEL = "level";

    private final LogDetectorSettings settings;
    private final TemplateEmbedderFactory embedderFactory;

    private transient TemplateEmbedder embedder;
    private transient TemplateEmbeddingCache embeddings;
    private transient ValueState<LogNoveltyState> state;
    private transient Counter linesScored;
    private transient Counter newTemplates;
    private transient Counter alertsEmitted;
    private transient Counter alertsInCooldown;
    /** Score of every line with a template new to its key, in millionths: 998000 is 0.998. */
    private transient Histogram newTemplateScorePpm;
    private transient LongCounter alertsAccumulator;

    public LogNoveltyDetector(LogDetectorSettings settings, TemplateEmbedderFactory embedderFactory) {
        this.settings = settings;
        this.embedderFactory = embedderFactory;
    }

    @Override
    public void open(OpenContext openContext) {
        embedder = embedderFactory.create();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        embeddings = new TemplateEmbeddingCache(embedder, settings.cacheSize(), metrics);
        state =
                getRuntimeContext()
                        .getState(
                                KeyedStateExpiry.expireAfterWrite(
                                        new ValueStateDescriptor<>(
                                                "log-novelty", TypeInformation.of(LogNoveltyState.class)),
                                        settings.stateTtl()));

        MetricGroup detector = metrics.addGroup("log-detector");
        linesScored = detector.counter("linesScored");
        newTemplates = detector.counter("newTemplates");
        alertsEmitted = detector.counter("alertsEmitted");
        alertsInCooldown = detector.counter("alertsInCooldown");
        newTemplateScorePpm = detector.histogram("newTemplateScorePpm", new DescriptiveStatisticsHistogram(512));
        alertsAccumulator = new LongCounter();
        getRuntimeContext().addAccumulator(ALERTS_ACCUMULATOR, alertsAccumulator);

        LOG.info(
                "Log detector subtask {} uses model {} version {} ({} values), threshold {}, memory {}"
                        + " templates per key, embedding cache {} templates",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                embedder.modelId(),
                embedder.modelVersion(),
                embedder.dimension(),
                settings.threshold(),
                settings.memorySize(),
                settings.cacheSize());
    }

    @Override
    public void close() throws Exception {
        try {
            if (embedder != null) {
                embedder.close();
            }
        } finally {
            embedder = null;
            super.close();
        }
    }

    @Override
    public void processElement(LogLine line, Context ctx, Collector<AnomalyAlert> out) throws Exception {
        LogNoveltyState current = currentState(ctx.getCurrentKey());
        linesScored.inc();

        long hash = TemplateMemory.hash(line.template);
        int slot = TemplateMemory.find(current, hash);
        if (slot >= 0) {
            TemplateMemory.touch(current, slot);
            countLine(current, false);
            return;
        }

        newTemplates.inc();
        float[] embedding = embeddings.embed(line.template);
        if (embedding.length != current.embeddingDim) {
            // An embedder whose output size differs from its dimension() is a bug, not bad input.
            throw new IllegalStateException(
                    "Embedder " + embedder.modelId() + " returned " + embedding.length
                            + " values for key '" + line.key + "', expected " + current.embeddingDim);
        }
        TemplateMemory.Nearest nearest = TemplateMemory.nearest(current, embedding);
        NoveltyScorer.Novelty novelty = NoveltyScorer.score(current, nearest, line.level, settings.errorWeight());
        newTemplateScorePpm.update(Math.round(novelty.score() * 1_000_000));

        boolean warm = current.linesSeen >= settings.warmUp();
        if (warm && novelty.score() >= settings.threshold()) {
            if (inCooldown(current, line.timestamp)) {
                alertsInCooldown.inc();
            } else {
                out.collect(toAlert(line, hash, novelty, current));
                current.lastAlertTime = line.timestamp;
                alertsEmitted.inc();
                alertsAccumulator.add(1L);
            }
        }

        TemplateMemory.insert(current, hash, line.template, embedding, nearest.distance());
        countLine(current, true);
    }

    /**
     * Returns the key's state, created when missing, of another layout version, or built for
     * another embedding size, and resized when {@code logs.memory-size} changed.
     */
    private LogNoveltyState currentState(String key) throws Exception {
        LogNoveltyState current = state.value();
        int dimension = embedder.dimension();
        if (current == null
                || current.version != LogNoveltyState.CURRENT_VERSION
                || current.embeddingDim != dimension) {
            if (current != null) {
                LOG.debug("Discarded log state of key '{}' (version {}, {} values)", key, current.version, current.embeddingDim);
            }
            return TemplateMemory.create(settings.memorySize(), dimension);
        }
        if (current.capacity != settings.memorySize()) {
            return TemplateMemory.resize(current, settings.memorySize());
        }
        return current;
    }

    private void countLine(LogNoveltyState current, boolean newTemplate) throws Exception {
        NoveltyScorer.countLine(current, newTemplate);
        current.linesSeen++;
        state.update(current);
    }

    /**
     * Returns whether a line at {@code timestamp} falls within the cooldown of the key's last alert.
     * A line older than that alert, which arrives out of order, falls within it too, unless the
     * cooldown is zero.
     */
    private boolean inCooldown(LogNoveltyState current, long timestamp) {
        long cooldown = settings.cooldown().toMillis();
        return cooldown > 0
                && current.lastAlertTime != Long.MIN_VALUE
                && timestamp - current.lastAlertTime < cooldown;
    }

    private AnomalyAlert toAlert(LogLine line, long hash, NoveltyScorer.Novelty novelty, LogNoveltyState current) {
        double[] arrival = TemplateMemory.arrivalMeanAndStddev(current);
        double distance = Double.isNaN(novelty.distance()) ? 1.0 : novelty.distance();
        ValueStatistics distanceStatistics =
                ValueStatistics.newBuilder()
                        .setLast(distance)
                        .setMean(distance)
                        .setMin(distance)
                        .setMax(distance)
                        .setBaselineMean(arrival[0])
                        .setBaselineStddev(arrival[1])
                        .build();
        Instant time = Instant.ofEpochMilli(line.timestamp);

        return AnomalyAlert.newBuilder()
                .setAlertId(alertId(line.key, line.timestamp, hash, embedder.modelId(), embedder.modelVersion()))
                .setKey(line.key)
                .setWindowStart(time)
                .setWindowEnd(time)
                .setScore(novelty.score())
                .setThreshold(settings.threshold())
                .setSeverity(severity(novelty.probability()))
                .setModelId(embedder.modelId())
                .setModelVersion(embedder.modelVersion())
                .setDetector(NAME)
                .setContributions(contributions(novelty))
                .setStatistics(Map.of(DISTANCE, distanceStatistics))
                .setExplanation(explain(line, novelty, current, settings.threshold()))
                .build();
    }

    /** Describes the alert, quoting the line's template and its nearest remembered template. */
    /** The first sentence of a summary that {@link #explain} writes, with the level and the template. */
    private static final Pattern NEW_TEMPLATE_SENTENCE =
            Pattern.compile("^Key '.*?' logged a new (\\S+) template '(.*?)' \\(score ");

    /**
     * Returns the level and the new template quoted in a summary that this detector wrote, as
     * {@code new ERROR log line: TEMPLATE}, or null when {@code summary} has another form.
     */
    public static String newTemplateOf(String summary) {
        Matcher matcher = NEW_TEMPLATE_SENTENCE.matcher(summary);
        return matcher.find() ? "new " + matcher.group(1) + " log line: " + matcher.group(2) : null;
    }

    static Explanation explain(LogLine line, NoveltyScorer.Novelty novelty, LogNoveltyState current, double threshold) {
        StringBuilder summary = new StringBuilder();
        summary.append(String.format(
                Locale.ROOT,
                "Key '%s' logged a new %s template '%s' (score %.5f, threshold %s).",
                line.key,
                line.level,
                quote(line.template),
                novelty.score(),
                threshold));
        if (novelty.nearestSlot() < 0) {
            summary.append(" The key had no remembered templates.");
        } else {
            summary.append(String.format(
                    Locale.ROOT,
                    " Its nearest of the key's %d remembered templates, '%s', lies at cosine distance %.3f."
                            + " %.0f %% of them arrived at least as far from their own nearest.",
                    current.size,
                    quote(current.templates[novelty.nearestSlot()]),
                    novelty.distance(),
                    100 * novelty.distanceTail()));
        }
        summary.append(String.format(
                Locale.ROOT,
                " New templates made up %.2f %% of the key's recent lines.",
                100 * novelty.newTemplateRate()));

        return Explanation.newBuilder()
                .setSummary(summary.toString())
                .setLikelyCause(null)
                .setNextStep(String.format(
                        Locale.ROOT,
                        "Read the lines of key '%s' around %s that match the template.",
                        line.key,
                        Instant.ofEpochMilli(line.timestamp)))
                .setInterpreter(NAME)
                .setEnrichmentFailed(false)
                .setFailureReason(null)
                .build();
    }

    /**
     * Returns each factor's share of the surprise {@code -ln p}: the key's rate of new templates,
     * the distance tail and the level weight. The shares sum to 1.
     */
    static Map<String, Double> contributions(NoveltyScorer.Novelty novelty) {
        double rate = -Math.log(novelty.newTemplateRate());
        double tail = -Math.log(novelty.distanceTail());
        double level = Math.log(novelty.levelWeight());
        double total = rate + tail + level;
        if (!(total > 0)) {
            return Map.of(NEW_TEMPLATE, 1.0, DISTANCE, 0.0, LEVEL, 0.0);
        }
        return Map.of(NEW_TEMPLATE, rate / total, DISTANCE, tail / total, LEVEL, level / total);
    }

    /**
     * Grades an alert by its probability, with the bounds the metric detector applies to its upper
     * tail: below 1e-7 is critical, below 1e-5 high, below 1e-4 medium, anything else low.
     */
    static Severity severity(double probability) {
        if (probability < 1e-7) {
            return Severity.CRITICAL;
        }
        if (probability < 1e-5) {
            return Severity.HIGH;
        }
        if (probability < 1e-4) {
            return Severity.MEDIUM;
        }
        return Severity.LOW;
    }

    /** Name-based (type 3) UUID of the fields that identify one scored line. */
    static String alertId(String key, long timestamp, long templateHash, String modelId, String modelVersion) {
        String name = key + '\u0000' + timestamp + '\u0000' + Long.toHexString(templateHash) + '\u0000' + NAME
                + '\u0000' + modelId + '\u0000' + modelVersion;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Cuts a long template for quoting. */
    private static String quote(String template) {
        return template.length() > TemplateMemory.MAX_STORED_TEMPLATE_CHARS
                ? template.substring(0, TemplateMemory.MAX_STORED_TEMPLATE_CHARS) + "..."
                : template;
    }
}
