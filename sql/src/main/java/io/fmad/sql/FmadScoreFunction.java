package io.fmad.sql;

import io.fmad.job.detect.AlertPolicy;
import io.fmad.job.detect.AnomalyScorer;
import io.fmad.job.detect.DetectorSettings;
import io.fmad.job.detect.DetectorState;
import io.fmad.job.detect.WindowAnomalyDetector;
import io.fmad.job.encode.BatchingEncoderOperator;
import io.fmad.job.encode.EmbeddedWindow;
import io.fmad.job.window.SeriesWindow;
import io.fmad.job.window.SlidingWindowFunction;
import io.fmad.job.window.WindowState;
import io.fmad.models.EncoderOutput;
import io.fmad.models.ModelDescriptor;
import io.fmad.models.SharedModel;
import io.fmad.models.SharedModelRegistry;
import io.fmad.models.WindowEncoder;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.table.annotation.ArgumentHint;
import org.apache.flink.table.annotation.ArgumentTrait;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.StateHint;
import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.table.functions.TableSemantics;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.types.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code FMAD_SCORE}: scores one numeric column of a table per key with fmad's sliding windows,
 * encoder model and detector, as a process table function.
 *
 * <pre>{@code
 * SELECT * FROM FMAD_SCORE(
 *   input => TABLE metrics PARTITION BY host,
 *   value_column => 'cpu',
 *   on_time => DESCRIPTOR(ts),
 *   emit => 'ALL')
 * }</pre>
 *
 * <p>Per key (the {@code PARTITION BY} columns) the function keeps the DataStream job's ring
 * buffer of the last {@code window.size} points and its detector state in Flink's keyed state, so
 * state is checkpointed and restored with the query. Every {@code window.slide} points after the
 * first full window, it encodes the window with the model and scores it with {@link
 * AnomalyScorer} and {@link AlertPolicy}, the same code the job's detector runs.
 *
 * <p>As in the job's window function, each row waits in keyed state until the watermark passes its
 * time, and an event-time timer then appends it in timestamp order, so rows out of order within
 * the watermark's bound are placed correctly. A row at or behind the watermark, or not after the
 * key's last appended point, is late: it is dropped and counted, per key in {@link
 * ScoreState#lateRows} and in the metric {@code fmadScore.lateRowsDropped}. A second row with the
 * time of a pending one is dropped and counted in {@code fmadScore.duplicateRowsDropped}. A row
 * whose value or time is null, or whose value is NaN or infinite, is skipped and counted in {@code
 * fmadScore.invalidValuesSkipped}.
 *
 * <p>The model is loaded once per class loader by {@link SharedModelRegistry}; each function
 * instance (one per parallel subtask) takes its own predictor and runs one inference call per
 * window. The DataStream job batches windows of many keys into one call instead. For fmad-ts-fm
 * version 1 on a 2-core CPU, docs/models.md lists about 10,200 windows/s at batch 1 and 167,000 at
 * batch 32.
 */
@DataTypeHint(
        "ROW<window_start TIMESTAMP_LTZ(3), `value` DOUBLE, score DOUBLE, is_anomaly BOOLEAN,"
                + " severity STRING, threshold DOUBLE, model_id STRING, model_version STRING>")
public class FmadScoreFunction extends ProcessTableFunction<Row> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FmadScoreFunction.class);

    /** Name of the table argument, as {@link TableSemantics} and SQL's named arguments know it. */
    static final String INPUT_ARGUMENT = "input";

    /** Values of the {@code emit} argument. */
    public enum Emit {
        /** A row for every scored window. */
        ALL,
        /** A row only for windows that raise an alert. */
        ANOMALIES
    }

    /** Null when created by {@code CREATE FUNCTION}; the options then come from job parameters. */
    private final ScoreOptions configured;

    private transient ScoreOptions options;
    private transient DetectorSettings detectorSettings;
    private transient AnomalyScorer scorer;
    private transient AlertPolicy policy;
    private transient SharedModel model;
    private transient WindowEncoder encoder;
    private transient ModelDescriptor descriptor;
    /** Position of the value column in the input rows; null until the first row. */
    private transient Integer valueIndex;
    private transient int[] keyIndices;
    private transient Emit emitMode;

    private transient Counter windowsScored;
    private transient Counter anomaliesFound;
    private transient Counter lateRowsDropped;
    private transient Counter duplicateRowsDropped;
    private transient Counter invalidValuesSkipped;
    private transient boolean lateWarned;

    /**
     * Creates the function for {@code CREATE FUNCTION}. It reads its options at task start from
     * Flink's {@code pipeline.global-job-parameters}, each key prefixed with {@value
     * ScoreOptions#JOB_PARAMETER_PREFIX}, and uses the job's defaults for the rest.
     */
    public FmadScoreFunction() {
        this.configured = null;
    }

    /** Creates the function with options checked by {@link ScoreOptions#of}. */
    public FmadScoreFunction(ScoreOptions options) {
        this.configured = options;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        options = configured != null ? configured : ScoreOptions.of(jobParameters(context));
        detectorSettings = options.detectorSettings();
        scorer = new AnomalyScorer(detectorSettings);
        policy = new AlertPolicy(detectorSettings);
        model = SharedModelRegistry.getInstance().acquire(options.model(), options.device());
        encoder = model.newEncoder();
        descriptor = model.descriptor();

        MetricGroup metrics = context.getMetricGroup().addGroup("fmadScore");
        windowsScored = metrics.counter("windowsScored");
        anomaliesFound = metrics.counter("anomaliesFound");
        lateRowsDropped = metrics.counter("lateRowsDropped");
        duplicateRowsDropped = metrics.counter("duplicateRowsDropped");
        invalidValuesSkipped = metrics.counter("invalidValuesSkipped");
        LOG.info(
                "FMAD_SCORE uses model {} version {} on {}, window {} slide {}, threshold {}, options {}",
                descriptor.id(),
                descriptor.version(),
                model.device(),
                options.windowSize(),
                options.windowSlide(),
                detectorSettings.threshold(),
                options.settings());
    }

    private static Map<String, String> jobParameters(FunctionContext context) {
        Map<String, String> settings = new HashMap<>();
        for (String key : ScoreOptions.acceptedKeys()) {
            String value = context.getJobParameter(ScoreOptions.JOB_PARAMETER_PREFIX + key, null);
            if (value != null) {
                settings.put(key, value);
            }
        }
        return settings;
    }

    @Override
    public void close() throws Exception {
        try {
            if (encoder != null) {
                encoder.close();
            }
        } finally {
            encoder = null;
            if (model != null) {
                model.close();
                model = null;
            }
        }
    }

    /**
     * Holds the row's value until the watermark passes its time; {@link #onTimer} then appends it
     * to the key's window and, when a window is due, emits its score.
     *
     * @param input a row of the table, partitioned by the key columns and with an event-time
     *     column given as {@code on_time}
     * @param valueColumn name of the numeric column to score
     * @param emit {@code ALL} (the default) or {@code ANOMALIES}, case-insensitive
     */
    public void eval(
            Context ctx,
            @StateHint(name = "fmad") ScoreState state,
            @StateHint(name = "pending") MapView<Long, Double> pending,
            @ArgumentHint(
                            name = INPUT_ARGUMENT,
                            value = {ArgumentTrait.SET_SEMANTIC_TABLE, ArgumentTrait.REQUIRE_ON_TIME})
                    Row input,
            @ArgumentHint(name = "value_column") String valueColumn,
            @ArgumentHint(name = "emit", isOptional = true) String emit)
            throws Exception {
        if (valueIndex == null) {
            resolveArguments(ctx, valueColumn, emit);
        }
        TimeContext<Instant> timeContext = ctx.timeContext(Instant.class);
        Instant time = timeContext.time();
        Object raw = input.getField(valueIndex);
        double value = raw == null ? Double.NaN : ((Number) raw).doubleValue();
        if (time == null || !Double.isFinite(value)) {
            invalidValuesSkipped.inc();
            return;
        }

        long timestamp = time.toEpochMilli();
        Instant watermark = timeContext.currentWatermark();
        long last = state.window == null ? Long.MIN_VALUE : state.window.lastTimestamp;
        if ((watermark != null && !time.isAfter(watermark)) || timestamp <= last) {
            state.lateRows++;
            lateRowsDropped.inc();
            warnLateOnce(state.key, timestamp, watermark);
            return;
        }
        if (pending.contains(timestamp)) {
            duplicateRowsDropped.inc();
            LOG.debug("Dropping a second row of key '{}' at {}", state.key, timestamp);
            return;
        }

        // The timer may fire in another instance after a restore, so the call's arguments that
        // it needs are kept in state.
        state.key = key(input);
        state.valueColumn = valueColumn;
        state.anomaliesOnly = emitMode == Emit.ANOMALIES;
        pending.put(timestamp, value);
        timeContext.registerOnTime(time);
    }

    /** Appends the pending value at the timer's time to the key's window and scores a due window. */
    public void onTimer(OnTimerContext ctx, ScoreState state, MapView<Long, Double> pending) throws Exception {
        long timestamp = ctx.timeContext(Instant.class).time().toEpochMilli();
        Double value = pending.get(timestamp);
        if (value == null) {
            return;
        }
        pending.remove(timestamp);

        if (state.window == null || !state.window.upgrade()) {
            state.window = WindowState.create(new String[] {state.valueColumn}, options.windowSize());
        }
        append(state.window, value, timestamp);

        long count = state.window.count;
        int windowSize = options.windowSize();
        if (count < windowSize || (count - windowSize) % options.windowSlide() != 0) {
            return;
        }
        SeriesWindow window = SlidingWindowFunction.toWindow(state.key, state.window);
        score(state, encode(window), value);
    }

    private void warnLateOnce(String key, long timestamp, Instant watermark) {
        if (lateWarned) {
            return;
        }
        lateWarned = true;
        LOG.warn(
                "Dropping a late row of key '{}' at {} (watermark {}); further late rows are counted"
                        + " in fmadScore.lateRowsDropped without a log line.",
                key,
                timestamp,
                watermark);
    }

    /**
     * Resolves the value column and key columns against the input table's type, and parses
     * {@code emit}, on the first row of this instance.
     *
     * @throws ValidationException naming the argument, the value and what is accepted
     */
    private void resolveArguments(Context ctx, String valueColumn, String emit) {
        TableSemantics semantics = ctx.tableSemanticsFor(INPUT_ARGUMENT);
        DataType rowType = semantics.dataType();
        List<String> names = DataType.getFieldNames(rowType);
        List<DataType> types = DataType.getFieldDataTypes(rowType);
        int index = valueColumn == null ? -1 : names.indexOf(valueColumn);
        if (index < 0) {
            throw new ValidationException(
                    "Invalid value '" + valueColumn + "' for argument 'value_column' of FMAD_SCORE:"
                            + " the input has no such column. Columns: " + names);
        }
        if (!types.get(index).getLogicalType().is(LogicalTypeFamily.NUMERIC)) {
            throw new ValidationException(
                    "Invalid value '" + valueColumn + "' for argument 'value_column' of FMAD_SCORE:"
                            + " the column is " + types.get(index) + ", but a numeric column is required.");
        }
        emitMode = parseEmit(emit);
        keyIndices = semantics.partitionByColumns();
        valueIndex = index;
    }

    static Emit parseEmit(String emit) {
        if (emit == null) {
            return Emit.ALL;
        }
        try {
            return Emit.valueOf(emit.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "Invalid value '" + emit + "' for argument 'emit' of FMAD_SCORE. Accepted: 'ALL'"
                            + " (a row per scored window) or 'ANOMALIES' (a row per alert).",
                    e);
        }
    }

    /** Returns the key columns' values joined by '/', the key in the detector's state and logs. */
    private String key(Row input) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < keyIndices.length; i++) {
            if (i > 0) {
                key.append('/');
            }
            key.append(input.getField(keyIndices[i]));
        }
        return key.toString();
    }

    /** Appends one point to the ring buffer, as the job's window function does for one channel. */
    private void append(WindowState window, double value, long timestamp) {
        int slot = (int) (window.count % options.windowSize());
        window.values[slot] = value;
        window.lastValues[0] = value;
        SlidingWindowFunction.updateBaseline(window, 0, value, options.baselineSpan());
        window.setTime(slot, timestamp);
        window.lastTimestamp = timestamp;
        window.count++;
    }

    private EmbeddedWindow encode(SeriesWindow window) {
        float[][] rows = {window.channel(0)};
        EncoderOutput output = encoder.encode(rows);
        return BatchingEncoderOperator.toEmbedded(
                descriptor,
                window,
                output.embeddings(),
                output.hasReconstructions() ? output.reconstructions() : null,
                output.hasForecasts() ? output.forecasts() : null,
                rows,
                0,
                options.windowSize());
    }

    private void score(ScoreState state, EmbeddedWindow embedded, double value) {
        DetectorState detector = state.detector;
        if (detector == null
                || !detector.upgrade(detectorSettings.seasonalPeriod())
                || detector.channels != 1
                || detector.embeddingDim != embedded.embeddingDim) {
            detector =
                    DetectorState.create(
                            1, embedded.embeddingDim, detectorSettings.recordSpan(), detectorSettings.rangeSpan());
            state.detector = detector;
        }
        AnomalyScorer.Result result = scorer.scoreAndUpdate(detector, embedded);
        boolean anomaly = policy.decide(detector, result) == AlertPolicy.Decision.ALERT;
        windowsScored.inc();
        if (anomaly) {
            anomaliesFound.inc();
        }
        if (!anomaly && state.anomaliesOnly) {
            return;
        }

        double score = Math.max(result.score(), result.rangeScore());
        String severity =
                anomaly ? WindowAnomalyDetector.severity(Math.max(result.maxZ(), result.rangeZ())).name() : null;
        collect(
                Row.of(
                        Instant.ofEpochMilli(embedded.window.start),
                        value,
                        score,
                        anomaly,
                        severity,
                        detectorSettings.threshold(),
                        embedded.modelId,
                        embedded.modelVersion));
    }
}
