package io.fmad.job.config;

import io.fmad.job.detect.DetectorSignal;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every option of the fmad job. Keys are namespaced and hyphenated like Flink's own; each option
 * states its unit and the meaning of special values. {@link FmadConfig#from} parses and validates
 * them at job start, so an invalid value fails before any operator runs.
 */
public final class FmadOptions {

    // ---------------------------------------------------------------- Kafka

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("127.0.0.1:9092")
                    .withDescription("Kafka bootstrap servers, as host:port[,host:port...].");

    public static final ConfigOption<String> METRICS_TOPIC =
            ConfigOptions.key("kafka.topic.metrics")
                    .stringType()
                    .defaultValue("fmad-metrics")
                    .withDescription("Topic of MetricEvent records (Avro single-object encoding).");

    public static final ConfigOption<String> ALERTS_TOPIC =
            ConfigOptions.key("kafka.topic.alerts")
                    .stringType()
                    .defaultValue("fmad-alerts")
                    .withDescription("Topic the AnomalyAlert records are written to.");

    public static final ConfigOption<String> DEAD_LETTERS_TOPIC =
            ConfigOptions.key("kafka.topic.dead-letters")
                    .stringType()
                    .defaultValue("fmad-dead-letters")
                    .withDescription("Topic for input records that fail to deserialize or validate.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("kafka.group-id")
                    .stringType()
                    .defaultValue("fmad")
                    .withDescription("Consumer group id of the metrics and logs sources.");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS =
            ConfigOptions.key("kafka.starting-offsets")
                    .enumType(StartingOffsets.class)
                    .defaultValue(StartingOffsets.COMMITTED)
                    .withDescription(
                            "Where the metrics and logs sources start when no checkpoint is restored:"
                                    + " EARLIEST, LATEST, or COMMITTED (the group's committed"
                                    + " offsets, falling back to EARLIEST).");

    public static final ConfigOption<Boolean> BOUNDED =
            ConfigOptions.key("kafka.bounded")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "If true, the sources stop at the latest offsets seen at job start,"
                                    + " so the job finishes (replays and tests).");

    public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE =
            ConfigOptions.key("kafka.delivery-guarantee")
                    .enumType(DeliveryGuarantee.class)
                    .defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
                    .withDescription(
                            "Delivery guarantee of the alert and dead-letter sinks: exactly-once"
                                    + " (Kafka transactions committed on checkpoints; consumers"
                                    + " read with isolation.level=read_committed),"
                                    + " at-least-once or none.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("fmad")
                    .withDescription(
                            "Prefix of the sinks' Kafka transactional ids. Must be unique per"
                                    + " job on a cluster.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            ConfigOptions.key("kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "Kafka transaction timeout of the exactly-once sinks. Must be above"
                                    + " checkpoint.interval and at most the broker's"
                                    + " transaction.max.timeout.ms (15 min by default), which is"
                                    + " checked against the broker at job start.");

    // ---------------------------------------------------------------- Event time and validation

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How far behind the latest event time an event may arrive and still"
                                    + " be placed in order. Later events are dropped and counted.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Processing time after which a source partition without events is"
                                    + " marked idle, so it does not hold back the watermark."
                                    + " 0 disables idleness detection.");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
            ConfigOptions.key("validation.max-future-skew")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription(
                            "Events whose time is further ahead of the wall clock than this are"
                                    + " sent to the dead-letter topic (TIMESTAMP_IN_FUTURE).");

    // ---------------------------------------------------------------- Windowing

    public static final ConfigOption<Integer> WINDOW_SIZE =
            ConfigOptions.key("window.size")
                    .intType()
                    .defaultValue(64)
                    .withDescription(
                            "Points per sliding window, per key. Must equal the encoder model's"
                                    + " input length. 64 points is 5 h 20 min of 5-minute data.");

    public static final ConfigOption<Integer> WINDOW_SLIDE =
            ConfigOptions.key("window.slide")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "A window is emitted every this many points, per key. 1 scores every"
                                    + " point, which suits minute-level data.");

    public static final ConfigOption<Integer> BASELINE_SPAN =
            ConfigOptions.key("window.baseline-span")
                    .intType()
                    .defaultValue(2016)
                    .withDescription(
                            "Span, in points, of the exponentially weighted mean and standard"
                                    + " deviation that normalize each key's windows (2016 points"
                                    + " is one week of 5-minute data).");

    // ---------------------------------------------------------------- Encoder

    public static final ConfigOption<String> MODEL =
            ConfigOptions.key("encoder.model")
                    .stringType()
                    .defaultValue("classpath:io/fmad/models/fmad-ts-fm/3")
                    .withDescription(
                            "The encoder model: classpath:RESOURCE_DIR for a model shipped in a"
                                    + " jar, or the path of a directory with a model.properties and"
                                    + " either a TensorFlow SavedModel or an ONNX file.");

    public static final ConfigOption<DeviceOption> DEVICE =
            ConfigOptions.key("encoder.device")
                    .enumType(DeviceOption.class)
                    .defaultValue(DeviceOption.AUTO)
                    .withDescription(
                            "Where the encoder runs: AUTO (a GPU when the engine sees one, the"
                                    + " CPU otherwise), CPU or GPU.");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("encoder.batch-size")
                    .intType()
                    .defaultValue(512)
                    .withDescription(
                            "Maximum number of window rows (one per key and value) per"
                                    + " inference call. A batch also runs after encoder.batch-max-wait,"
                                    + " so a large value costs latency only when the input is fast"
                                    + " enough to fill it. On 2 CPU cores the job ran about 40 % faster at"
                                    + " 512 than at 64 (docs/benchmarks.md).");

    public static final ConfigOption<Duration> BATCH_MAX_WAIT =
            ConfigOptions.key("encoder.batch-max-wait")
                    .durationType()
                    .defaultValue(Duration.ofMillis(20))
                    .withDescription(
                            "Longest time a window waits for its batch to fill before the"
                                    + " batch runs anyway.");

    // ---------------------------------------------------------------- Detector

    public static final ConfigOption<String> SIGNALS =
            ConfigOptions.key("detector.signals")
                    .stringType()
                    .defaultValue(DetectorSignal.ALL)
                    .withDescription(
                            "Signals the detector combines, comma-separated: reconstruction (the"
                                    + " model's reconstruction error), forecast (the error of the"
                                    + " model's forecast), seasonal (distance to the same time one"
                                    + " and two periods earlier), level and range. 'all' takes the"
                                    + " set the model suggests in its model.properties, else every"
                                    + " signal it can feed; a listed signal whose model output is"
                                    + " missing fails at start. 'reconstruction,forecast'"
                                    + " with a forecasting model such as fmad-ts-fm runs the model"
                                    + " alone as the detector.");

    public static final ConfigOption<Double> THRESHOLD =
            ConfigOptions.key("detector.threshold")
                    .doubleType()
                    .defaultValue(0.999)
                    .withDescription(
                            "Anomaly score in (0, 1) at or above which an alert is emitted.");

    public static final ConfigOption<Integer> WARM_UP =
            ConfigOptions.key("detector.warm-up")
                    .intType()
                    .defaultValue(250)
                    .withDescription(
                            "Windows a key must have been scored on before it can alert. The"
                                    + " detector learns during warm-up but emits nothing.");

    public static final ConfigOption<Integer> SCORE_SPAN =
            ConfigOptions.key("detector.score-span")
                    .intType()
                    .defaultValue(500)
                    .withDescription(
                            "Span, in windows, of the exponentially weighted statistics that"
                                    + " calibrate the model's raw scores of a key (reconstruction"
                                    + " error, seasonal distance).");

    public static final ConfigOption<Integer> COOLDOWN =
            ConfigOptions.key("detector.cooldown")
                    .intType()
                    .defaultValue(150)
                    .withDescription(
                            "Windows after an alert during which the same key emits no new"
                                    + " alert, except for a new extreme of its range (150 windows is"
                                    + " 12.5 hours of 5-minute data).");

    public static final ConfigOption<Double> REARM_BELOW =
            ConfigOptions.key("detector.rearm-below")
                    .doubleType()
                    .defaultValue(0.99)
                    .withDescription(
                            "After an alert, a key alerts again only once its score has fallen"
                                    + " below this level (and the cooldown has passed), so a lasting"
                                    + " anomaly raises one alert. At most detector.threshold.");

    public static final ConfigOption<Double> LEVEL_SIGMAS =
            ConfigOptions.key("detector.level-sigmas")
                    .doubleType()
                    .defaultValue(4.0)
                    .withDescription(
                            "The mean of a window's last detector.level-points values this many"
                                    + " baseline standard deviations from the key's baseline mean"
                                    + " scores like a 0.999 anomaly score, whatever the window's"
                                    + " shape.");

    public static final ConfigOption<Integer> LEVEL_POINTS =
            ConfigOptions.key("detector.level-points")
                    .intType()
                    .defaultValue(8)
                    .withDescription(
                            "Newest values of a window whose mean is compared with the baseline;"
                                    + " at most window.size.");

    public static final ConfigOption<Double> RANGE_MARGIN =
            ConfigOptions.key("detector.range-margin")
                    .doubleType()
                    .defaultValue(0.01)
                    .withDescription(
                            "A value beyond the highest or lowest value of the key's last"
                                    + " detector.range-span windows by this fraction of their range,"
                                    + " plus half the window's median step between values, scores"
                                    + " like a 0.999 anomaly score.");

    public static final ConfigOption<Integer> RANGE_SPAN =
            ConfigOptions.key("detector.range-span")
                    .intType()
                    .defaultValue(8192)
                    .withDescription(
                            "Windows whose values form a key's recent range (8192 windows is about"
                                    + " 28 days of 5-minute data).");

    public static final ConfigOption<Integer> RECORD_SPAN =
            ConfigOptions.key("detector.record-span")
                    .intType()
                    .defaultValue(2048)
                    .withDescription(
                            "Windows over which a key's highest reconstruction error and seasonal"
                                    + " distance are remembered; exceeding them by about 10 % scores"
                                    + " like a 0.999 anomaly score.");

    public static final ConfigOption<Integer> SEASON_PERIOD =
            ConfigOptions.key("detector.season-period")
                    .intType()
                    .defaultValue(288)
                    .withDescription(
                            "Windows in one seasonal period: each window is also compared with the"
                                    + " windows one and two periods earlier. 288 is a day of"
                                    + " 5-minute data; 0 turns the comparison off.");

    // ---------------------------------------------------------------- Interpreter

    public static final ConfigOption<Duration> INTERPRETER_TIMEOUT =
            ConfigOptions.key("interpreter.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(20))
                    .withDescription(
                            "Time an alert's explanation may take. After it, the alert leaves"
                                    + " with the built-in explanation, flagged as failed. Only an"
                                    + " LLM comes near it: the built-in explanation and runbook"
                                    + " retrieval take milliseconds.");

    public static final ConfigOption<Integer> INTERPRETER_CAPACITY =
            ConfigOptions.key("interpreter.capacity")
                    .intType()
                    .defaultValue(100)
                    .withDescription("Alerts in flight in the interpreter, per subtask.");

    public static final ConfigOption<String> INTERPRETER_RUNBOOKS =
            ConfigOptions.key("interpreter.runbooks")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Directory of Markdown runbook entries, one *.md file per entry with"
                                    + " its title on the first heading. When set, each alert's"
                                    + " explanation lists the interpreter.top-k entries most"
                                    + " similar to it by MiniLM sentence embeddings. Unset turns"
                                    + " retrieval off. Read once at job start.");

    public static final ConfigOption<Integer> INTERPRETER_TOP_K =
            ConfigOptions.key("interpreter.top-k")
                    .intType()
                    .defaultValue(3)
                    .withDescription("Runbook entries attached to each alert, most similar first.");

    // ---------------------------------------------------------------- Incidents

    public static final ConfigOption<Duration> INCIDENT_QUIET_PERIOD =
            ConfigOptions.key("incident.quiet-period")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "Event time without an anomalous window after which a key's incident"
                                    + " resolves, with a RESOLVED record. Until then its anomalous"
                                    + " windows update the incident instead of opening new ones.");

    public static final ConfigOption<Duration> INCIDENT_UPDATE_INTERVAL =
            ConfigOptions.key("incident.update-interval")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "Least event time between two UPDATE records of an incident while its"
                                    + " key stays anomalous. A rise in severity is reported at once.");

    public static final ConfigOption<List<String>> INCIDENT_SUPPRESS =
            ConfigOptions.key("incident.suppress")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "Maintenance windows, separated by ';', each KEY-GLOB@START/END with"
                                    + " ISO-8601 instants, such as"
                                    + " db-*@2026-12-05T01:00:00Z/2026-12-05T03:00:00Z. Keys matching"
                                    + " the glob emit no record while the window lasts, and their"
                                    + " detectors keep learning.");

    // ---------------------------------------------------------------- State

    public static final ConfigOption<Duration> STATE_TTL =
            ConfigOptions.key("state.ttl")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "Processing time after the last event of a key at which its window,"
                                    + " detector, incident and log detector state expire, so keys that stop reporting do not"
                                    + " keep state forever. A key that comes back starts over,"
                                    + " warm-up included. 0 keeps state forever.");

    // ---------------------------------------------------------------- Job

    public static final ConfigOption<String> JOB_NAME =
            ConfigOptions.key("job.name")
                    .stringType()
                    .defaultValue("fmad")
                    .withDescription("Name of the Flink job.");

    public static final ConfigOption<Integer> PARALLELISM =
            ConfigOptions.key("job.parallelism")
                    .intType()
                    .defaultValue(-1)
                    .withDescription(
                            "Parallelism of the job's operators. -1 uses the cluster default.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Checkpoint interval. Alerts become visible to read_committed"
                                    + " consumers when the checkpoint after them completes.");

    public static final ConfigOption<Duration> CHECKPOINT_TIMEOUT =
            ConfigOptions.key("checkpoint.timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "Time after which a checkpoint in progress is aborted. Must be below"
                                    + " kafka.transaction-timeout, or the broker may abort a"
                                    + " transaction that a late checkpoint still commits.");

    /**
     * All options, for rejecting unknown keys and for printing help. The LLM and log options come
     * last.
     */
    public static final List<ConfigOption<?>> ALL =
            withLlmAndLogOptions(
                    BOOTSTRAP_SERVERS,
                    METRICS_TOPIC,
                    ALERTS_TOPIC,
                    DEAD_LETTERS_TOPIC,
                    GROUP_ID,
                    STARTING_OFFSETS,
                    BOUNDED,
                    DELIVERY_GUARANTEE,
                    TRANSACTIONAL_ID_PREFIX,
                    TRANSACTION_TIMEOUT,
                    OUT_OF_ORDERNESS,
                    IDLENESS,
                    MAX_FUTURE_SKEW,
                    WINDOW_SIZE,
                    WINDOW_SLIDE,
                    BASELINE_SPAN,
                    MODEL,
                    DEVICE,
                    BATCH_SIZE,
                    BATCH_MAX_WAIT,
                    SIGNALS,
                    THRESHOLD,
                    WARM_UP,
                    SCORE_SPAN,
                    COOLDOWN,
                    REARM_BELOW,
                    LEVEL_SIGMAS,
                    LEVEL_POINTS,
                    RANGE_MARGIN,
                    RANGE_SPAN,
                    RECORD_SPAN,
                    SEASON_PERIOD,
                    INTERPRETER_TIMEOUT,
                    INTERPRETER_CAPACITY,
                    INTERPRETER_RUNBOOKS,
                    INTERPRETER_TOP_K,
                    INCIDENT_QUIET_PERIOD,
                    INCIDENT_UPDATE_INTERVAL,
                    INCIDENT_SUPPRESS,
                    STATE_TTL,
                    JOB_NAME,
                    PARALLELISM,
                    CHECKPOINT_INTERVAL,
                    CHECKPOINT_TIMEOUT);

    /** Starting position of the sources when no checkpoint or savepoint is restored. */
    public enum StartingOffsets {
        EARLIEST,
        LATEST,
        COMMITTED
    }

    /** Device choice for the encoder. Mirrors the models module's selection, as a config enum. */
    public enum DeviceOption {
        AUTO,
        CPU,
        GPU
    }

    private FmadOptions() {}

    private static List<ConfigOption<?>> withLlmAndLogOptions(ConfigOption<?>... options) {
        List<ConfigOption<?>> all = new ArrayList<>(List.of(options));
        all.addAll(LlmOptions.ALL);
        all.addAll(LogOptions.ALL);
        return List.copyOf(all);
    }
}
