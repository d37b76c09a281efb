package io.fmad.job;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.DeadLetter;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.sink.AlertSinks;
import io.fmad.connectors.kafka.TopicChecks;
import io.fmad.connectors.sink.TransactionTimeouts;
import io.fmad.connectors.source.IngestedMetric;
import io.fmad.connectors.source.MetricSources;
import io.fmad.connectors.source.MetricValidator;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.config.FmadOptions;
import io.fmad.job.config.LogOptions;
import io.fmad.job.detect.AnomalyScorer;
import io.fmad.job.detect.DetectorSettings;
import io.fmad.job.detect.DetectorSignal;
import io.fmad.job.detect.WindowAnomalyDetector;
import io.fmad.job.encode.BatchingEncoderOperator;
import io.fmad.job.encode.EmbeddedWindow;
import io.fmad.job.encode.EncoderSettings;
import io.fmad.job.ingest.DeadLetterRouter;
import io.fmad.job.interpret.AsyncInterpreterFunction;
import io.fmad.job.interpret.BuiltInExplainer;
import io.fmad.job.incident.IncidentOperator;
import io.fmad.job.interpret.InterpreterFactory;
import io.fmad.job.interpret.llm.LlmInterpreter;
import io.fmad.job.interpret.RunbookRetriever;
import io.fmad.job.window.SeriesWindow;
import io.fmad.job.window.SlidingWindowFunction;
import io.fmad.models.DeviceSelection;
import io.fmad.models.ModelDescriptor;
import io.fmad.models.ModelLocation;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds the fmad job graph:
 *
 * <pre>
 * Kafka metrics ─▶ route ─▶ keyBy(key) [window ─▶ batch + encode ─▶ detect] ─▶ keyBy incidents ─▶ keyBy(key) interpret ─▶ Kafka alerts
 *                    └──▶ Kafka dead letters                                     ▲
 * Kafka logs (optional, {@link LogPipeline}) ── log alerts ──────────────────────┘
 * </pre>
 *
 * <p>The bracketed operators run chained in one task: the encoder's output keeps the window's
 * key partitioning, so the detector needs no shuffle of its own.
 *
 * <p>Every operator has a stable uid, so savepoints map onto later versions of the graph.
 */
public final class FmadPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(FmadPipeline.class);

    private FmadPipeline() {}

    /**
     * Checks the settings against the model and the Kafka broker, before any graph is built.
     *
     * @throws IllegalArgumentException naming the option, the value and what is accepted
     */
    public static ModelDescriptor validate(FmadConfig config) {
        ModelDescriptor descriptor = validateModel(config);
        validateAgainstBroker(config);
        LOG.info(
                "Configuration valid: model {} version {}, window {} slide {}, threshold {}",
                descriptor.id(),
                descriptor.version(),
                config.windowSize,
                config.windowSlide,
                config.threshold);
        if (config.logs.enabled()) {
            LOG.info(
                    "Log detection on topic {}: threshold {}, warm-up {} lines, memory {} templates per"
                            + " key, embedding cache {} templates per subtask",
                    config.logs.logsTopic,
                    config.logs.threshold,
                    config.logs.warmUp,
                    config.logs.memorySize,
                    config.logs.cacheSize);
        }
        if (!config.runbooks.isEmpty()) {
            LOG.info(
                    "Runbook retrieval: {} entries, top {} per alert",
                    config.runbooks.size(),
                    config.interpreterTopK);
        }
        if (config.llm.enabled()) {
            LOG.info(
                    "LLM interpreter: model {} at {}, {} attempts, {} requests in flight and {} per"
                            + " second per subtask, API key {}",
                    config.llm.model,
                    config.llm.endpoint,
                    config.llm.maxAttempts,
                    config.llm.maxConcurrency,
                    config.llm.rateLimit,
                    config.llm.resolveApiKey() == null ? "none on the client" : "set (hidden)");
        }
        return descriptor;
    }

    /** The only input the job feeds a window encoder: one channel of a metric window. */
    static final String SUPPORTED_INPUT_KIND = "metric-window";

    /**
     * The only normalization the window function applies: the key's baseline z-score, clipped to
     * ±10.
     */
    static final String SUPPORTED_NORMALIZATION = "key-zscore-clip10";

    /**
     * Checks that the configured model can be read and takes windows of {@code window.size}
     * points, without starting an inference engine.
     *
     * @throws IllegalArgumentException naming the option and the value
     */
    public static ModelDescriptor validateModel(FmadConfig config) {
        ModelDescriptor descriptor = readDescriptor(parseModelLocation(config.model));
        descriptor.requireCompatible(config.windowSize);
        requireOutput(config, descriptor, DetectorSignal.RECONSTRUCTION, descriptor.hasReconstruction(), "reconstruction");
        requireOutput(config, descriptor, DetectorSignal.FORECAST, descriptor.hasForecast(), "forecast");
        if (descriptor.detectorSignals() != null) {
            try {
                DetectorSignal.parseList(descriptor.detectorSignals());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Invalid value '" + config.model + "' for option '" + FmadOptions.MODEL.key()
                                + "': its " + ModelDescriptor.DETECTOR_SIGNALS + "=" + descriptor.detectorSignals()
                                + " is invalid (" + e.getMessage() + ")", e);
            }
        }
        if (!SUPPORTED_NORMALIZATION.equals(descriptor.normalization())
                || !SUPPORTED_INPUT_KIND.equals(descriptor.inputKind())) {
            throw new IllegalArgumentException(
                    "Invalid value '" + config.model + "' for option '" + FmadOptions.MODEL.key() + "': the model"
                            + " declares input.kind=" + descriptor.inputKind() + " and normalization="
                            + descriptor.normalization() + ", but the job feeds input.kind=" + SUPPORTED_INPUT_KIND
                            + " windows with normalization=" + SUPPORTED_NORMALIZATION);
        }
        return descriptor;
    }

    /**
     * Fails when {@code detector.signals} lists {@code signal} but the model lacks the output it
     * reads. The default, {@code all}, skips the signals the model cannot feed.
     */
    private static void requireOutput(
            FmadConfig config, ModelDescriptor descriptor, DetectorSignal signal, boolean present, String output) {
        if (config.signalsConfigured && config.signals.contains(signal) && !present) {
            throw new IllegalArgumentException(
                    "Invalid value '" + config.signalsText + "' for option '" + FmadOptions.SIGNALS.key()
                            + "': model " + descriptor.id() + " version " + descriptor.version()
                            + " has no " + output + " output; remove " + signal.configName()
                            + " or choose another " + FmadOptions.MODEL.key());
        }
    }

    /**
     * Checks that the job's topics exist ({@link TopicChecks}) and the Kafka transaction timeout
     * against the broker's {@code transaction.max.timeout.ms}.
     *
     * @throws IllegalArgumentException naming the option, the value and the accepted range
     */
    public static void validateAgainstBroker(FmadConfig config) {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put(FmadOptions.METRICS_TOPIC.key(), config.metricsTopic);
        topics.put(FmadOptions.ALERTS_TOPIC.key(), config.alertsTopic);
        topics.put(FmadOptions.DEAD_LETTERS_TOPIC.key(), config.deadLettersTopic);
        if (config.logs.enabled()) {
            topics.put(LogOptions.LOGS_TOPIC.key(), config.logs.logsTopic);
        }
        TopicChecks.requireExisting(
                config.bootstrapServers, config.kafkaProperties, topics, TransactionTimeouts.DEFAULT_QUERY_TIMEOUT);
        if (config.deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            TransactionTimeouts.validate(
                    FmadOptions.TRANSACTION_TIMEOUT.key(),
                    config.transactionTimeout,
                    config.checkpointInterval,
                    config.bootstrapServers,
                    config.kafkaProperties);
        }
    }

    /** Adds the whole job to {@code env}, including checkpointing; see the class comment. */
    public static void build(StreamExecutionEnvironment env, FmadConfig config) {
        build(env, config, FmadPipeline::detect);
    }

    /**
     * The stages that turn valid metric events into alert candidates. The job's own is {@link
     * #detect}; benchmarks put a baseline detector in its place and keep every other stage.
     */
    @FunctionalInterface
    public interface DetectionStage {
        DataStream<AnomalyAlert> apply(DataStream<MetricEvent> metrics, FmadConfig config);
    }

    /**
     * Adds the whole job to {@code env} as {@link #build(StreamExecutionEnvironment, FmadConfig)}
     * does, with {@code detection} in place of the window, encoder and detector stages.
     */
    public static void build(StreamExecutionEnvironment env, FmadConfig config, DetectionStage detection) {
        configureExecution(env, config);

        DataStream<IngestedMetric> ingested = metricSource(env, config);

        SingleOutputStreamOperator<MetricEvent> metrics =
                ingested.process(new DeadLetterRouter()).name("route-dead-letters").uid("route-dead-letters");

        DataStream<DeadLetter> deadLetters = metrics.getSideOutput(DeadLetterRouter.DEAD_LETTERS);
        DataStream<AnomalyAlert> alerts = detection.apply(metrics, config);
        if (config.logs.enabled()) {
            LogPipeline.Outputs logs = LogPipeline.build(env, config);
            deadLetters = deadLetters.union(logs.deadLetters());
            alerts = alerts.union(logs.alerts());
        }

        deadLetters
                .sinkTo(
                        AlertSinks.deadLetters(
                                config.bootstrapServers,
                                config.deadLettersTopic,
                                config.deliveryGuarantee,
                                config.transactionalIdPrefix + "-dead-letters",
                                config.transactionTimeout,
                                config.kafkaProperties))
                .name("dead-letters-sink")
                .uid("dead-letters-sink");

        SingleOutputStreamOperator<AnomalyAlert> explained = interpret(incidents(alerts, config), config);

        explained
                .sinkTo(
                        AlertSinks.alerts(
                                config.bootstrapServers,
                                config.alertsTopic,
                                config.deliveryGuarantee,
                                config.transactionalIdPrefix + "-alerts",
                                config.transactionTimeout,
                                config.kafkaProperties))
                .name("alerts-sink")
                .uid("alerts-sink");
    }

    /**
     * Adds the metrics topic's source, with the job's watermarks, to {@code env}. Its records are
     * valid events or dead letters; {@link DeadLetterRouter} splits them.
     */
    public static DataStream<IngestedMetric> metricSource(StreamExecutionEnvironment env, FmadConfig config) {
        return env.fromSource(
                        source(config),
                        watermarks(config, (IngestedMetric record, long kafkaTimestamp) -> record.isValid()
                                ? record.event.getTimestamp().toEpochMilli()
                                : Long.MIN_VALUE),
                        "metrics-source")
                .uid("metrics-source");
    }

    /**
     * Adds the incident stage, which turns the detectors' candidates into OPEN, UPDATE and RESOLVED
     * records of one incident per key, detector and episode; see {@link IncidentOperator}.
     */
    static SingleOutputStreamOperator<AnomalyAlert> incidents(DataStream<AnomalyAlert> candidates, FmadConfig config) {
        return candidates
                .keyBy(IncidentOperator::incidentKey)
                .process(new IncidentOperator(config.incidents, config.stateTtl))
                .name("incidents")
                .uid("incidents");
    }

    /**
     * Adds the interpreter stage, which fills in each alert's explanation; see {@link
     * AsyncInterpreterFunction}. Alerts are partitioned by key first, so that all alerts of one
     * incident meet the same interpreter instance and its incident cache.
     */
    static SingleOutputStreamOperator<AnomalyAlert> interpret(DataStream<AnomalyAlert> alerts, FmadConfig config) {
        return AsyncDataStream.orderedWait(
                        alerts.keyBy(AnomalyAlert::getKey),
                        new AsyncInterpreterFunction(interpreterFactory(config)),
                        config.interpreterTimeout.toMillis(),
                        TimeUnit.MILLISECONDS,
                        config.interpreterCapacity)
                .name("interpreter")
                .uid("interpreter");
    }

    /**
     * Returns the interpreter of the job: the built-in explainer, plus runbook retrieval when
     * {@code interpreter.runbooks} is set, plus an LLM when {@code interpreter.llm.endpoint} is set.
     */
    static InterpreterFactory interpreterFactory(FmadConfig config) {
        InterpreterFactory base =
                config.runbooks.isEmpty()
                        ? BuiltInExplainer::new
                        : RunbookRetriever.factory(config.runbooks, config.interpreterTopK);
        if (!config.llm.enabled()) {
            return base;
        }
        return LlmInterpreter.factory(config.llm, base, config.runbooks, config.interpreterTimeout);
    }

    /**
     * Sets checkpointing and serialization. Checkpoints stay shorter than the Kafka transaction
     * timeout, are kept on cancellation so a job can be restarted from its last one, and Kryo is
     * disabled: every record and state type has a Flink or Avro serializer, and a silent fallback
     * to Kryo would make state migration impossible.
     */
    public static void configureExecution(StreamExecutionEnvironment env, FmadConfig config) {
        Configuration pipeline = new Configuration();
        pipeline.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(pipeline);

        env.enableCheckpointing(config.checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        CheckpointConfig checkpoints = env.getCheckpointConfig();
        checkpoints.setCheckpointTimeout(config.checkpointTimeout.toMillis());
        checkpoints.setMinPauseBetweenCheckpoints(config.checkpointInterval.toMillis() / 2);
        checkpoints.setExternalizedCheckpointRetention(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (config.parallelism > 0) {
            env.setParallelism(config.parallelism);
        }
        // With Flink's defaults (a 100 ms network buffer timeout, a 200 ms watermark interval) an
        // alert's p99 latency at half load was 467 ms, and with these values 141 ms at the same
        // throughput (docs/benchmarks.md). Values that the cluster or the submitter set still apply.
        ReadableConfig flink = env.getConfiguration();
        if (flink.getOptional(ExecutionOptions.BUFFER_TIMEOUT).isEmpty()) {
            env.setBufferTimeout(DEFAULT_BUFFER_TIMEOUT.toMillis());
        }
        if (flink.getOptional(PipelineOptions.AUTO_WATERMARK_INTERVAL).isEmpty()) {
            env.getConfig().setAutoWatermarkInterval(DEFAULT_WATERMARK_INTERVAL.toMillis());
        }
        // Without object reuse, Flink deep-copies every record between chained operators: each
        // Avro event after the source, each window before the encoder. Reuse is safe here because
        // every operator builds a new record for each output and keeps no chained input after it
        // returns, except the encoder, whose buffered windows the window function never touches
        // again. The window function copies the values of waiting events into its state, and
        // Flink's Async I/O operator copies its input when reuse is on.
        if (flink.getOptional(PipelineOptions.OBJECT_REUSE).isEmpty()) {
            env.getConfig().enableObjectReuse();
        }
    }

    /** Network buffer timeout unless {@code execution.buffer-timeout.interval} is set. */
    static final Duration DEFAULT_BUFFER_TIMEOUT = Duration.ofMillis(10);

    /** Watermark interval unless {@code pipeline.auto-watermark-interval} is set. */
    static final Duration DEFAULT_WATERMARK_INTERVAL = Duration.ofMillis(100);

    /**
     * Adds the detection stages (sliding windows, batched encoding, the detector) to {@code
     * metrics}. The returned stream carries the alerts; its {@link WindowAnomalyDetector#SCORES}
     * side output carries the score of every window. The evaluate command runs exactly these
     * stages over labeled files.
     */
    public static SingleOutputStreamOperator<AnomalyAlert> detect(DataStream<MetricEvent> metrics, FmadConfig config) {
        // The encoder runs in the sliding window's subtask, keyed by the same key, so its output
        // is already partitioned as the detector needs it. Reinterpreting it as keyed chains the
        // detector to the encoder, where a keyBy would serialize every window and its embedding
        // into a network shuffle that sends it back to the same subtask.
        return DataStreamUtils.reinterpretAsKeyedStream(encode(metrics, config), EmbeddedWindow::key, Types.STRING)
                .process(new WindowAnomalyDetector(detectorSettings(config)))
                .name("detector")
                .uid("detector");
    }

    /**
     * Adds the sliding windows and the batched encoder to {@code metrics}: the stages before the
     * detector. Offline replays of the detector cache their output.
     */
    public static SingleOutputStreamOperator<EmbeddedWindow> encode(DataStream<MetricEvent> metrics, FmadConfig config) {
        SingleOutputStreamOperator<SeriesWindow> windows =
                metrics.keyBy(event -> event.getKey().toString())
                        .process(new SlidingWindowFunction(config.windowSize, config.windowSlide, config.baselineSpan, config.stateTtl))
                        .name("sliding-window")
                        .uid("sliding-window");

        EncoderSettings encoderSettings =
                new EncoderSettings(
                        parseModelLocation(config.model),
                        DeviceSelection.valueOf(config.device.name()),
                        config.batchSize,
                        config.batchMaxWait);
        return windows.transform(
                        "encoder",
                        TypeInformation.of(EmbeddedWindow.class),
                        new BatchingEncoderOperator(encoderSettings))
                .uid("encoder");
    }

    /**
     * Returns the detector's settings from the {@code detector.*} options. With {@code
     * detector.signals} at {@code all}, a model that suggests its own signals in its descriptor gets
     * those; a model's suggested calibrated z-score replaces the default.
     */
    public static DetectorSettings detectorSettings(FmadConfig config) {
        ModelDescriptor descriptor = readDescriptor(parseModelLocation(config.model));
        Set<DetectorSignal> signals = config.signals;
        if (!config.signalsConfigured && descriptor.detectorSignals() != null) {
            signals = DetectorSignal.parseList(descriptor.detectorSignals());
        }
        double calibratedZ = Double.isNaN(descriptor.detectorCalibratedZ())
                ? AnomalyScorer.DEFAULT_CALIBRATED_Z
                : descriptor.detectorCalibratedZ();
        return new DetectorSettings(
                signals,
                calibratedZ,
                config.threshold,
                config.warmUp,
                config.scoreSpan,
                config.cooldown,
                config.rearmBelow,
                config.levelSigmas,
                config.levelPoints,
                config.rangeMargin,
                config.rangeSpan,
                config.recordSpan,
                config.seasonPeriod,
                config.stateTtl);
    }

    // OffsetResetStrategy is deprecated in kafka-clients 4, but the 5.0.0-2.2 connector offers no
    // other way to fall back to the earliest offset when the group has none committed.
    @SuppressWarnings("deprecation")
    static OffsetsInitializer startingOffsets(FmadConfig config) {
        switch (config.startingOffsets) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            case COMMITTED:
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }

    private static KafkaSource<IngestedMetric> source(FmadConfig config) {
        return MetricSources.create(
                config.bootstrapServers,
                config.metricsTopic,
                config.groupId,
                startingOffsets(config),
                config.bounded,
                config.kafkaProperties,
                new MetricValidator(config.maxFutureSkew));
    }

    /**
     * Returns the watermark strategy of a Kafka source: bounded out-of-orderness per partition,
     * with idleness. {@code eventTime} must give dead letters the smallest timestamp, so they never
     * advance the watermark: their Kafka timestamps are wall-clock times, which would make every
     * replayed event late.
     */
    static <T> WatermarkStrategy<T> watermarks(FmadConfig config, SerializableTimestampAssigner<T> eventTime) {
        WatermarkStrategy<T> strategy =
                WatermarkStrategy.<T>forBoundedOutOfOrderness(config.outOfOrderness).withTimestampAssigner(eventTime);
        if (!config.idleness.isZero()) {
            strategy = strategy.withIdleness(config.idleness);
        }
        return strategy;
    }

    /**
     * Parses an {@code encoder.model} value.
     *
     * @throws IllegalArgumentException naming the option and the value
     */
    public static ModelLocation parseModelLocation(String value) {
        try {
            return ModelLocation.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Invalid value '" + value + "' for option '" + FmadOptions.MODEL.key() + "': "
                            + e.getMessage(),
                    e);
        }
    }

    /** Reads the model's metadata without starting an inference engine. */
    private static ModelDescriptor readDescriptor(ModelLocation location) {
        try {
            return ModelDescriptor.read(location);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Invalid value '" + location + "' for option '" + FmadOptions.MODEL.key()
                            + "': cannot read the model's " + ModelDescriptor.FILE_NAME + " (" + e + ")",
                    e);
        }
    }
}
