package io.fmad.job.local;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.kafka.EmbeddedKafkaBroker;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.tools.NabCsvReader;
import io.fmad.connectors.tools.ReplayTool;
import io.fmad.connectors.tools.TopicReader;
import io.fmad.job.FmadPipeline;
import io.fmad.job.config.ConfigLoader;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.config.FmadOptions;
import io.fmad.job.config.LogOptions;
import io.fmad.job.detect.WindowAnomalyDetector;
import io.fmad.job.incident.IncidentOperator;
import io.fmad.job.ingest.DeadLetterRouter;
import io.fmad.job.logs.LogNoveltyDetector;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs the whole job on one machine: a real Kafka broker in-process on 127.0.0.1, the job on a
 * Flink MiniCluster, an input stream, and the alerts printed as they arrive.
 *
 * <pre>
 * LocalRunner [--input PATH] [--value-name NAME] [--keys N] [--days N] [--logs N] [--seed N] [--runbooks PATH|none]
 *             [--OPTION VALUE ...]
 * </pre>
 *
 * <p>Without {@code --input}, the input is {@link MetricGenerator}'s demo stream plus a few invalid
 * records that go to the dead-letter topic, and {@link LogDemo}'s log lines for the same hosts
 * ({@code --logs N} per host, 0 for none). With {@code --input}, it is the NAB-format CSV files
 * under PATH (one key per file), merged in event-time order, and no log lines. Any other option is
 * a job option (see {@link FmadOptions}). The sources are bounded, so the run ends by itself with a
 * summary.
 *
 * <p>The interpreter retrieves from the repository's example runbooks ({@value #RUNBOOKS_FOLDER}),
 * unless {@code --runbooks} names another folder, {@code --runbooks none} turns retrieval off, or
 * the job option {@code interpreter.runbooks} is given.
 */
public final class LocalRunner {

    private static final int METRICS_PARTITIONS = 2;
    private static final int DEFAULT_PARALLELISM = 2;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);
    private static final int DEFAULT_LOG_LINES = 4_000;
    private static final int MAX_COUNT = 100_000;
    /** The example runbook folder at the repository's top level. */
    static final String RUNBOOKS_FOLDER = "runbooks";
    private static final String NO_RUNBOOKS = "none";

    private final PrintStream out;

    LocalRunner(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        int status;
        try {
            status = new LocalRunner(System.out).run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    /** Options of the runner itself; everything else is passed to the job. */
    private static final class RunnerOptions {
        Path input;
        String valueName = NabCsvReader.DEFAULT_VALUE_NAME;
        int keys = 6;
        int days = 7;
        /** Log lines per host, or 0 when the run generates no logs. */
        int logLines = DEFAULT_LOG_LINES;
        /** Whether --logs was given. With --input, only --logs 0 is valid. */
        boolean logLinesGiven;
        long seed = 42;
        /** The runbook folder, or null for no retrieval. */
        Path runbooks = defaultRunbooks();
        /** Whether --runbooks was given. */
        boolean runbooksGiven;
        final Map<String, String> jobSettings = new LinkedHashMap<>();
    }

    int run(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            out.println(
                    "Usage: demo.sh [--input PATH] [--value-name NAME] [--keys N] [--days N] [--logs N] [--seed N]"
                            + " [--runbooks PATH|none] [--OPTION VALUE ...]\n\n"
                            + "  --input PATH       replay NAB-format CSV files (timestamp,value; a file or a folder)"
                            + " instead of the generated stream, one key per file\n"
                            + "  --value-name NAME  value name given to the CSV column (default "
                            + NabCsvReader.DEFAULT_VALUE_NAME + ")\n"
                            + "  --keys N           generated hosts (default 6)\n"
                            + "  --days N           days of 5-minute data per generated host (default 7)\n"
                            + "  --logs N           log lines per generated host, one per second, with one injected"
                            + " anomaly per host (default " + DEFAULT_LOG_LINES + "; 0 turns logs off; not with --input)\n"
                            + "  --seed N           seed of the generated metrics and logs (default 42)\n"
                            + "  --runbooks PATH    folder of Markdown runbook entries retrieved for each alert"
                            + " (default: the repository's " + RUNBOOKS_FOLDER + "/ folder; none turns retrieval off;"
                            + " sets interpreter.runbooks)\n"
                            + "\nThe demo sets kafka.bounded true, kafka.starting-offsets EARLIEST, checkpoint.interval 2 s,"
                            + " kafka.transaction-timeout 2 min and checkpoint.timeout 1 min unless given.\n"
                            + "\nJob options:\n"
                            + ConfigLoader.describeOptions());
            return 0;
        }
        long startNanos = System.nanoTime();
        RunnerOptions options = parse(args);
        // Everything that can be checked without a broker fails here, before one starts.
        FmadConfig checked = configure(options, "127.0.0.1:9092");
        FmadPipeline.validateModel(checked);
        if (checked.runbooks.isEmpty() && !options.runbooksGiven) {
            out.printf("No %s/ folder in %s or its parent, so alerts carry no runbook entries;"
                    + " give --runbooks PATH to retrieve from one%n", RUNBOOKS_FOLDER, Path.of("").toAbsolutePath());
        }
        NabCsvReader.ReadResult input = options.input == null ? null : readInput(options);

        Path workDir = Files.createTempDirectory("fmad-local-");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"));
        Thread cleanup = new Thread(() -> stop(broker, workDir), "fmad-local-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            FmadConfig config = configure(options, broker.bootstrapServers());
            broker.createTopic(config.metricsTopic, METRICS_PARTITIONS);
            broker.createTopic(config.alertsTopic, METRICS_PARTITIONS);
            broker.createTopic(config.deadLettersTopic, 1);
            if (config.logs.enabled()) {
                broker.createTopic(config.logs.logsTopic, LogDemo.PARTITIONS);
                out.printf("Kafka broker on %s; topics %s, %s, %s, %s%n", broker.bootstrapServers(),
                        config.metricsTopic, config.logs.logsTopic, config.alertsTopic, config.deadLettersTopic);
            } else {
                out.printf("Kafka broker on %s; topics %s, %s, %s%n", broker.bootstrapServers(),
                        config.metricsTopic, config.alertsTopic, config.deadLettersTopic);
            }

            long produced = produceInput(options, input, config);
            FmadPipeline.validate(config);

            try (AlertPrinter printer = new AlertPrinter(broker.bootstrapServers(), config.alertsTopic, out, startNanos)) {
                printer.start();
                StreamExecutionEnvironment env = LocalFlink.environment(
                        config.parallelism > 0 ? config.parallelism : DEFAULT_PARALLELISM);
                FmadPipeline.build(env, config);
                out.printf("Running job '%s' on a local Flink MiniCluster%n", config.jobName);
                JobExecutionResult result = env.execute(config.jobName);
                printer.finish(DRAIN_TIMEOUT);

                long deadLetters = countRecords(broker.bootstrapServers(), config.deadLettersTopic);
                List<AnomalyAlert> records = printer.alerts();
                // OPEN and UPDATE records report anomalous windows; RESOLVED records only end incidents.
                Map<Boolean, List<AnomalyAlert>> byBranch = records.stream()
                        .filter(alert -> alert.getStatus() != AlertStatus.RESOLVED)
                        .collect(Collectors.partitioningBy(alert -> LogNoveltyDetector.NAME.equals(alert.getDetector())));
                List<AnomalyAlert> metricAlerts = byBranch.get(false);
                printSummary(result, produced, printer, records, metricAlerts, deadLetters, startNanos);
                if (options.input == null) {
                    printDetections(metricAlerts, injected);
                }
                if (logDemo != null) {
                    logDemo.printSummary(out, result, byBranch.get(true), config.logs.warmUp);
                }
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanup);
            stop(broker, workDir);
        }
        return 0;
    }

    /** Stops the broker and deletes its data; also runs on Ctrl-C through a shutdown hook. */
    private static void stop(EmbeddedKafkaBroker broker, Path workDir) {
        broker.close();
        try {
            deleteRecursively(workDir);
        } catch (IOException e) {
            System.err.println("Failed to delete " + workDir + ": " + e.getMessage());
        }
    }

    /**
     * Reads the CSV files under {@code --input}.
     *
     * @throws IllegalArgumentException when a file cannot be read or no {@code *.csv} file exists
     */
    private static NabCsvReader.ReadResult readInput(RunnerOptions options) {
        NabCsvReader.ReadResult read;
        try {
            read = new NabCsvReader(options.valueName).read(options.input);
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid input under --input " + options.input + ": " + e.getMessage(), e);
        }
        if (read.series().isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid value '" + options.input + "' for --input: no *.csv file found there");
        }
        return read;
    }

    private static RunnerOptions parse(String[] args) {
        RunnerOptions options = new RunnerOptions();
        List<String> jobArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String argument = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (argument) {
                case "--input":
                    options.input = Path.of(require(argument, value));
                    i++;
                    break;
                case "--value-name":
                    options.valueName = require(argument, value);
                    i++;
                    break;
                case "--keys":
                    options.keys = parsePositive(argument, require(argument, value));
                    i++;
                    break;
                case "--days":
                    options.days = parsePositive(argument, require(argument, value));
                    i++;
                    break;
                case "--logs":
                    options.logLines = parseCount(argument, require(argument, value), 0);
                    options.logLinesGiven = true;
                    i++;
                    break;
                case "--seed":
                    options.seed = parseLong(argument, require(argument, value));
                    i++;
                    break;
                case "--runbooks":
                    String folder = require(argument, value);
                    options.runbooks = folder.equals(NO_RUNBOOKS) ? null : Path.of(folder);
                    options.runbooksGiven = true;
                    i++;
                    break;
                default:
                    jobArgs.add(argument);
            }
        }
        options.jobSettings.putAll(ConfigLoader.load(jobArgs.toArray(new String[0])));
        if (options.input != null && !Files.exists(options.input)) {
            throw new IllegalArgumentException(
                    "Invalid value '" + options.input + "' for --input: no such file or directory");
        }
        if (options.input != null) {
            if (options.logLinesGiven && options.logLines > 0) {
                throw new IllegalArgumentException("Invalid value '" + options.logLines + "' for --logs: log lines are"
                        + " generated only for the generated hosts, not with --input; remove --logs or --input");
            }
            options.logLines = 0;
        }
        return options;
    }

    /**
     * Returns the example runbook folder, looked up in the working directory and its parent, so
     * that both the repository root (scripts/demo.sh) and the job module (Maven tests) find it.
     * Returns null, which turns retrieval off, when neither contains it.
     */
    private static Path defaultRunbooks() {
        Path workingDirectory = Path.of("").toAbsolutePath();
        List<Path> candidates = new ArrayList<>();
        candidates.add(workingDirectory.resolve(RUNBOOKS_FOLDER));
        if (workingDirectory.getParent() != null) {
            candidates.add(workingDirectory.getParent().resolve(RUNBOOKS_FOLDER));
        }
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException("Missing value for " + option);
        }
        return value;
    }

    private static int parsePositive(String option, String value) {
        return parseCount(option, value, 1);
    }

    /** Parses an integer from {@code min} to {@value #MAX_COUNT}. */
    private static int parseCount(String option, String value, int min) {
        long parsed = parseLong(option, value);
        if (parsed < min || parsed > MAX_COUNT) {
            throw new IllegalArgumentException(
                    "Invalid value '" + value + "' for " + option + ": expected an integer from " + min + " to " + MAX_COUNT);
        }
        return (int) parsed;
    }

    private static long parseLong(String option, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Invalid value '" + value + "' for " + option + ": expected an integer", e);
        }
    }

    /** Returns the job configuration that {@link #run} would use for {@code args}, without starting a broker. */
    static FmadConfig configuration(String[] args) {
        return configure(parse(args), "127.0.0.1:9092");
    }

    /** Local defaults (bounded replay from the start, short checkpoints), then the user's options. */
    private static FmadConfig configure(RunnerOptions options, String bootstrapServers) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(FmadOptions.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        settings.put(FmadOptions.BOUNDED.key(), "true");
        settings.put(FmadOptions.STARTING_OFFSETS.key(), FmadOptions.StartingOffsets.EARLIEST.name());
        settings.put(FmadOptions.CHECKPOINT_INTERVAL.key(), "2 s");
        settings.put(FmadOptions.TRANSACTION_TIMEOUT.key(), "2 min");
        settings.put(FmadOptions.CHECKPOINT_TIMEOUT.key(), "1 min");
        settings.put(FmadOptions.GROUP_ID.key(), "fmad-local");
        settings.put(FmadOptions.JOB_NAME.key(), "fmad-local");
        if (options.logLines > 0) {
            settings.put(LogOptions.LOGS_TOPIC.key(), LocalKafka.LOGS_TOPIC);
        }
        if (options.runbooks != null) {
            settings.put(FmadOptions.INTERPRETER_RUNBOOKS.key(), options.runbooks.toString());
        }
        settings.putAll(options.jobSettings);
        return FmadConfig.from(settings);
    }

    /** Anomalies injected by the generator in this run; empty when replaying files. */
    private List<MetricGenerator.InjectedAnomaly> injected = List.of();

    /** Keys of the replayed files, so that keys without alerts show in the summary too. */
    private List<String> inputKeys = List.of();

    /** Log lines of this run and their injected anomalies, or null when the run generates no logs. */
    private LogDemo logDemo;

    private long produceInput(RunnerOptions options, NabCsvReader.ReadResult read, FmadConfig config)
            throws Exception {
        Properties properties = ReplayTool.producerProperties(config.bootstrapServers);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
            if (read != null) {
                List<MetricEvent> events = read.mergedEvents();
                inputKeys = read.series().stream().map(NabCsvReader.Series::key).collect(Collectors.toList());
                long sent = ReplayTool.replay(producer, config.metricsTopic, events, 0);
                out.printf("Replayed %d events from %d files under %s (%d invalid rows skipped)%n",
                        sent, read.series().size(), options.input, read.skippedRows());
                return sent;
            }

            Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(options.days));
            MetricGenerator.GeneratedStream stream =
                    new MetricGenerator(options.keys, options.days, options.seed).generate(start);
            injected = stream.anomalies();
            long sent = ReplayTool.replay(producer, config.metricsTopic, stream.events(), 0);
            long invalid = produceInvalidRecords(producer, config.metricsTopic, start);
            out.printf("Generated %d events for %d keys over %d days, plus %d invalid records; injected anomalies:%n",
                    sent, options.keys, options.days, invalid);
            for (MetricGenerator.InjectedAnomaly anomaly : stream.anomalies()) {
                out.printf("  %-8s %-11s %-12s %s to %s%n", anomaly.key(), anomaly.valueName(), anomaly.kind(),
                        anomaly.start(), anomaly.end());
            }
            if (options.logLines > 0) {
                logDemo = new LogDemo(options.keys, options.logLines, options.seed);
                logDemo.produce(producer, config.logs.logsTopic, start.plus(Duration.ofDays(options.days)), out);
            }
            return sent + invalid;
        }
    }

    /** Writes one record of each kind the job must dead-letter, to show that path working. */
    private static long produceInvalidRecords(KafkaProducer<byte[], byte[]> producer, String topic, Instant start)
            throws Exception {
        SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);
        List<byte[]> records = new ArrayList<>();
        records.add("{\"key\": \"host-01\", \"cpu\": 12}".getBytes(StandardCharsets.UTF_8));
        records.add(codec.encode(event("host-01", start.plusSeconds(30), Double.NaN)));
        records.add(codec.encode(event("", start.plusSeconds(30), 1.0)));
        records.add(codec.encode(event("host-02", Instant.now().plus(Duration.ofDays(365)), 1.0)));
        for (byte[] value : records) {
            producer.send(new ProducerRecord<>(topic, "invalid".getBytes(StandardCharsets.UTF_8), value)).get();
        }
        return records.size();
    }

    private static MetricEvent event(String key, Instant timestamp, double value) {
        return MetricEvent.newBuilder()
                .setKey(key)
                .setTimestamp(timestamp)
                .setValues(Map.of("cpu", value))
                .build();
    }

    private static long countRecords(String bootstrapServers, String topic) {
        return TopicReader.readToEnd(bootstrapServers, topic, DRAIN_TIMEOUT, record -> {});
    }

    private void printSummary(JobExecutionResult result, long produced, AlertPrinter printer,
            List<AnomalyAlert> records, List<AnomalyAlert> metricAlerts, long deadLetters, long startNanos) {
        long eventsIn = longAccumulator(result, DeadLetterRouter.EVENTS_ACCUMULATOR);
        long opened = longAccumulator(result, IncidentOperator.OPENED_ACCUMULATOR_PREFIX + WindowAnomalyDetector.NAME);
        long recordsWritten = longAccumulator(result, IncidentOperator.RECORDS_ACCUMULATOR);
        long jobMillis = result.getNetRuntime();
        double elapsedSeconds = (System.nanoTime() - startNanos) / 1e9;
        List<AnomalyAlert> metricOpened =
                metricAlerts.stream().filter(alert -> alert.getStatus() == AlertStatus.OPEN).toList();
        Map<String, Integer> perKey = new TreeMap<>();
        inputKeys.forEach(key -> perKey.put(key, 0));
        metricOpened.forEach(alert -> perKey.merge(alert.getKey(), 1, Integer::sum));
        Map<AlertStatus, Long> byStatus = records.stream()
                .collect(Collectors.groupingBy(AnomalyAlert::getStatus, () -> new EnumMap<>(AlertStatus.class),
                        Collectors.counting()));

        out.println();
        out.println("Summary");
        out.printf("  events produced         %d%n", produced);
        out.printf("  events read by the job  %d (%.0f events/s over the job's %.1f s, start-up included)%n",
                eventsIn, eventsIn / Math.max(jobMillis / 1000.0, 1e-3), jobMillis / 1000.0);
        out.printf("  incidents opened        %d (read back committed: %d)%n", opened, metricOpened.size());
        out.printf("  incident records        %d (read back committed: %d; %d OPEN, %d UPDATE, %d RESOLVED,"
                        + " log records included)%n",
                recordsWritten, records.size(), byStatus.getOrDefault(AlertStatus.OPEN, 0L),
                byStatus.getOrDefault(AlertStatus.UPDATE, 0L), byStatus.getOrDefault(AlertStatus.RESOLVED, 0L));
        out.printf("  dead letters            %d%n", deadLetters);
        out.printf("  first alert after       %s (from the runner's start)%n", printer.secondsToFirstAlert() < 0
                ? "no alert" : String.format("%.1f s", printer.secondsToFirstAlert()));
        out.printf("  elapsed                 %.1f s (broker start, input and job included)%n", elapsedSeconds);
        if (!perKey.isEmpty()) {
            out.println("  incidents per key:");
            perKey.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
                    .forEach(entry -> out.printf("    %-50s %d%n", entry.getKey(), entry.getValue()));
        }
        if (printer.undecodable() > 0) {
            out.printf("  undecodable alert records: %d%n", printer.undecodable());
        }
    }

    /**
     * Reports, per injected anomaly, the first OPEN or UPDATE record of its key from the anomaly's
     * start until one window length after its end (a window still contains the anomaly until then),
     * and counts the incidents none of whose records matches an injected anomaly as false alarms.
     */
    private void printDetections(List<AnomalyAlert> alerts, List<MetricGenerator.InjectedAnomaly> anomalies) {
        Duration reach = MetricGenerator.STEP.multipliedBy(FmadOptions.WINDOW_SIZE.defaultValue());
        out.println("  injected anomalies:");
        for (MetricGenerator.InjectedAnomaly anomaly : anomalies) {
            String detection = alerts.stream()
                    .filter(alert -> matches(alert, anomaly, reach))
                    .map(AnomalyAlert::getWindowEnd)
                    .min(Comparator.naturalOrder())
                    .map(time -> describeDetection(anomaly, time))
                    .orElse("missed");
            out.printf("    %-8s %-11s %-12s %s%n", anomaly.key(), anomaly.valueName(), anomaly.kind(), detection);
        }
        Map<String, Boolean> incidentMatched = new HashMap<>();
        for (AnomalyAlert alert : alerts) {
            boolean matched = anomalies.stream().anyMatch(anomaly -> matches(alert, anomaly, reach));
            incidentMatched.merge(String.valueOf(alert.getIncidentId()), matched, Boolean::logicalOr);
        }
        long unmatched = incidentMatched.values().stream().filter(matched -> !matched).count();
        out.printf("  incidents matching no injected anomaly (false alarms): %d%n", unmatched);
    }

    /** True when {@code alert} is on the anomaly's key and its window still contains an anomalous point. */
    private static boolean matches(AnomalyAlert alert, MetricGenerator.InjectedAnomaly anomaly, Duration reach) {
        Instant time = alert.getWindowEnd();
        return alert.getKey().equals(anomaly.key())
                && !time.isBefore(anomaly.start())
                && !time.isAfter(anomaly.end().plus(reach));
    }

    private static String describeDetection(MetricGenerator.InjectedAnomaly anomaly, Instant time) {
        long afterStart = Duration.between(anomaly.start(), time).toMinutes();
        if (time.isAfter(anomaly.end())) {
            return "detected " + afterStart + " min after its start, "
                    + Duration.between(anomaly.end(), time).toMinutes() + " min after its end";
        }
        return "detected " + afterStart + " min after its start";
    }

    static long longAccumulator(JobExecutionResult result, String name) {
        Object value = result.getAllAccumulatorResults().get(name);
        return value instanceof Number ? ((Number) value).longValue() : 0L;
    }

    /** Deletes {@code root} and everything below it; does nothing when it does not exist. */
    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        }
    }
}
