package io.fmad.benchmarks;

import io.fmad.benchmarks.jmh.EncoderBenchmark;
import io.fmad.job.config.FmadConfig;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark harness behind {@code scripts/benchmark.sh}. One invocation starts a Kafka broker
 * on 127.0.0.1 in a child JVM and, for each key count, fills a topic once and runs the
 * pass-through job, the fmad job and the Random Cut Forest job over it ({@link JobRun}). It then
 * measures fmad's event-to-alert latency at a fraction of the maximum throughput it measured
 * ({@link LatencyRun}) and the encoder's throughput by batch size (JMH, {@link EncoderBenchmark}),
 * and writes a Markdown report.
 *
 * <p>Options, all optional: {@code --keys 1000,100000}, {@code --rounds 5000,200} (events per key,
 * one value per key count), {@code --variants pass-through,fmad,rcf}, {@code --parallelism 2},
 * {@code --rcf-max-keys 10000}, {@code --rcf-max-rounds 1000} (the forest reads at most this many
 * rounds of the topic), {@code --latency-keys 1000}, {@code --latency-load 0.5}, {@code
 * --latency-seconds 60}, {@code --latency-out-of-orderness 0} (milliseconds), {@code
 * --run-timeout-minutes 30}, {@code --skip-latency}, {@code --skip-jmh}, {@code --work-dir
 * target/benchmarks}, {@code --report target/benchmarks/report.md}, and {@code --set KEY=VALUE}
 * for any fmad option and {@code --flink KEY=VALUE} for any Flink option, both repeatable.
 */
public final class BenchmarkHarness {

    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkHarness.class);

    private BenchmarkHarness() {}

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        settings.validateJobOptions();
        Files.createDirectories(settings.workDir);
        Report report = new Report(settings, args);

        Instant began = Instant.now();
        int failures = 0;
        Path kafkaData = settings.workDir.resolve("kafka-" + began.toEpochMilli());
        try (BrokerProcess broker = BrokerProcess.start(kafkaData, "2g")) {
            LOG.info("Broker at {}", broker.bootstrapServers());
            for (int i = 0; i < settings.keys.size(); i++) {
                int keys = settings.keys.get(i);
                int rounds = settings.rounds.get(i);
                SyntheticMetrics metrics = new SyntheticMetrics(keys, began.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(400)).toEpochMilli());
                String topic = "bench-" + keys;
                broker.createTopic(topic, settings.parallelism);
                long fillStart = System.nanoTime();
                long written = TopicFill.fill(broker.bootstrapServers(), topic, metrics, rounds);
                LOG.info("Filled {} with {} events in {} s", topic, written, (System.nanoTime() - fillStart) / 1_000_000_000L);

                for (Variant variant : settings.variants) {
                    if (variant == Variant.RANDOM_CUT_FOREST && keys > settings.rcfMaxKeys) {
                        report.skipped(variant, keys, "more keys than --rcf-max-keys " + settings.rcfMaxKeys
                                + "; a forest per key takes about 1.2 MB of heap");
                        continue;
                    }
                    String runId = variant.label + "-" + keys + "-" + System.currentTimeMillis();
                    // The forest runs at about a tenth of fmad's rate; it reads the first rounds only.
                    int runRounds = variant == Variant.RANDOM_CUT_FOREST ? Math.min(rounds, settings.rcfMaxRounds) : rounds;
                    JobRun.Plan plan = new JobRun.Plan(variant, metrics, runRounds, topic, "out-" + runId, runId,
                            settings.parallelism, settings.jobOptions);
                    try {
                        report.add(JobRun.run(plan, broker, settings.workDir, settings.flinkOptions, settings.runTimeout));
                    } catch (Exception e) {
                        LOG.error("{} failed", runId, e);
                        report.skipped(variant, keys, "failed: " + describe(e));
                        failures++;
                    }
                }
            }

            if (!settings.skipLatency) {
                double max = report.fmadEventsPerSecond(settings.latencyKeys);
                if (Double.isNaN(max)) {
                    LOG.warn("No fmad throughput for {} keys; latency not measured", settings.latencyKeys);
                    report.latencyNotMeasured("no fmad throughput for --latency-keys " + settings.latencyKeys
                            + "; run fmad with that many keys in --keys");
                } else {
                    String runId = "latency-" + System.currentTimeMillis();
                    Map<String, String> options = new LinkedHashMap<>(settings.jobOptions);
                    options.putAll(LatencyRun.liveOptions(settings.latencyOutOfOrderness));
                    SyntheticMetrics metrics = new SyntheticMetrics(settings.latencyKeys, 0);
                    JobRun.Plan plan = new JobRun.Plan(Variant.FMAD, metrics, 0, "bench-live-" + runId, "out-" + runId,
                            runId, settings.parallelism, options);
                    try {
                        report.latency(LatencyRun.run(broker, settings.workDir, plan, 400, max * settings.latencyLoad,
                                Duration.ofSeconds(5), Duration.ofSeconds(settings.latencySeconds), settings.flinkOptions));
                    } catch (Exception e) {
                        // Keeps the throughput results: without this, the report would not be written at all.
                        LOG.error("{} failed", runId, e);
                        report.latencyNotMeasured("failed: " + describe(e));
                        failures++;
                    }
                }
            }
        }

        if (!settings.skipJmh) {
            try {
                report.encoder(runEncoderBenchmark());
            } catch (Exception e) {
                LOG.error("The encoder benchmark (JMH) failed", e);
                report.encoderNotMeasured("failed: " + describe(e));
                failures++;
            }
        }
        // The broker's data of a full run takes about 1 GB, and no later run reads it.
        deleteRecursively(kafkaData);
        report.write(settings.report);
        System.out.println(Files.readString(settings.report));
        if (failures > 0) {
            LOG.error("{} measurement(s) failed; the report lists them", failures);
            System.exit(1);
        }
    }

    /** Deletes {@code path} and everything below it; a missing path is fine. */
    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(path)) {
            for (Path entry : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(entry);
            }
        }
    }

    /** Returns the message of {@code failure}, followed by its innermost cause unless the message names it. */
    private static String describe(Exception failure) {
        String message = String.valueOf(failure.getMessage());
        String cause = JobRun.rootCause(failure).toString();
        return message.contains(cause) ? message : message + " (cause: " + cause + ")";
    }

    private static Collection<RunResult> runEncoderBenchmark() throws Exception {
        Options options = new OptionsBuilder()
                .include(EncoderBenchmark.class.getName())
                .jvmArgsAppend("-Dai.djl.offline=true", "-Xmx2g")
                .build();
        return new Runner(options).run();
    }

    /** The command-line settings. */
    static final class Settings {
        List<Integer> keys = List.of(1_000, 100_000);
        List<Integer> rounds = List.of(5_000, 200);
        List<Variant> variants = List.of(Variant.PASS_THROUGH, Variant.FMAD, Variant.RANDOM_CUT_FOREST);
        int parallelism = 2;
        int rcfMaxKeys = 10_000;
        int rcfMaxRounds = 1_000;
        int latencyKeys = 1_000;
        double latencyLoad = 0.5;
        int latencySeconds = 60;
        Duration latencyOutOfOrderness = Duration.ZERO;
        Duration runTimeout = Duration.ofMinutes(30);
        boolean skipLatency;
        boolean skipJmh;
        Path workDir = Path.of("target", "benchmarks");
        Path report;
        Map<String, String> jobOptions = new LinkedHashMap<>();
        Map<String, String> flinkOptions = new LinkedHashMap<>();

        static Settings parse(String[] args) {
            Settings settings = new Settings();
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                switch (name) {
                    case "--skip-latency" -> settings.skipLatency = true;
                    case "--skip-jmh" -> settings.skipJmh = true;
                    default -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("Option " + name + " needs a value");
                        }
                        String value = args[++i];
                        switch (name) {
                            case "--keys" -> settings.keys = integers(name, value);
                            case "--rounds" -> settings.rounds = integers(name, value);
                            case "--variants" -> {
                                List<Variant> variants = new ArrayList<>();
                                for (String label : value.split(",")) {
                                    try {
                                        variants.add(Variant.parse(label.trim()));
                                    } catch (IllegalArgumentException e) {
                                        throw new IllegalArgumentException("Invalid " + name + " " + value + ": "
                                                + e.getMessage(), e);
                                    }
                                }
                                settings.variants = variants;
                            }
                            case "--parallelism" -> settings.parallelism = positive(name, value);
                            case "--rcf-max-keys" -> settings.rcfMaxKeys = positive(name, value);
                            case "--rcf-max-rounds" -> settings.rcfMaxRounds = positive(name, value);
                            case "--latency-keys" -> settings.latencyKeys = positive(name, value);
                            case "--latency-load" -> settings.latencyLoad = fraction(name, value);
                            case "--latency-seconds" -> settings.latencySeconds = positive(name, value);
                            case "--latency-out-of-orderness" -> settings.latencyOutOfOrderness = Duration.ofMillis(notNegative(name, value));
                            case "--run-timeout-minutes" -> settings.runTimeout = Duration.ofMinutes(positive(name, value));
                            case "--work-dir" -> settings.workDir = Path.of(value);
                            case "--report" -> settings.report = Path.of(value);
                            case "--set" -> keyValue(name, value, settings.jobOptions);
                            case "--flink" -> keyValue(name, value, settings.flinkOptions);
                            default -> throw new IllegalArgumentException("Unknown option " + name
                                    + "; the options are listed in the class comment of " + BenchmarkHarness.class.getName());
                        }
                    }
                }
            }
            if (settings.keys.size() != settings.rounds.size()) {
                throw new IllegalArgumentException("Invalid --rounds " + settings.rounds + ": give one value per --keys value "
                        + settings.keys);
            }
            if (settings.report == null) {
                settings.report = settings.workDir.resolve("report.md");
            }
            return settings;
        }

        /**
         * Checks the {@code --set} options and that every fmad run gets windows to score, before the
         * broker starts. A run with no more rounds than {@code window.size} would finish at once and
         * report a meaningless rate.
         */
        void validateJobOptions() {
            FmadConfig config;
            try {
                config = FmadConfig.from(jobOptions);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid --set: " + e.getMessage(), e);
            }
            Map<String, String> options = new LinkedHashMap<>(jobOptions);
            options.putAll(LatencyRun.liveOptions(latencyOutOfOrderness));
            try {
                FmadConfig.from(options);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid --latency-out-of-orderness: " + e.getMessage(), e);
            }
            if (!variants.contains(Variant.FMAD)) {
                return;
            }
            for (int i = 0; i < keys.size(); i++) {
                JobRun.Plan plan = new JobRun.Plan(Variant.FMAD, new SyntheticMetrics(keys.get(i), 0), rounds.get(i),
                        "in", "out", "check", parallelism, jobOptions);
                if (JobRun.target(plan, config.windowSize, config.windowSlide) == 0) {
                    throw new IllegalArgumentException("Invalid --rounds " + rounds.get(i) + " for --keys " + keys.get(i)
                            + ": fmad needs more rounds than window.size (" + config.windowSize
                            + ") to score any window; use at least " + (config.windowSize + 1));
                }
            }
        }

        private static void keyValue(String name, String value, Map<String, String> into) {
            int eq = value.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Invalid value '" + value + "' for " + name + ": expected KEY=VALUE");
            }
            into.put(value.substring(0, eq), value.substring(eq + 1));
        }

        private static List<Integer> integers(String name, String value) {
            List<Integer> list = new ArrayList<>();
            for (String part : value.split(",")) {
                list.add(positive(name, part.trim()));
            }
            return list;
        }

        private static double fraction(String name, String value) {
            return parse(name, value, Double::parseDouble, parsed -> parsed > 0 && Double.isFinite(parsed),
                    "a positive fraction of fmad's measured maximum throughput, such as 0.5");
        }

        private static long notNegative(String name, String value) {
            return parse(name, value, Long::parseLong, parsed -> parsed >= 0,
                    "a whole number of milliseconds, 0 or more");
        }

        private static int positive(String name, String value) {
            return parse(name, value, Integer::parseInt, parsed -> parsed > 0, "a positive integer");
        }

        /**
         * Parses option {@code name}'s {@code value}, and rejects a value that does not parse or is
         * not {@code valid}, naming the option, the value and what is {@code accepted}.
         */
        private static <T> T parse(
                String name, String value, java.util.function.Function<String, T> parser,
                java.util.function.Predicate<T> valid, String accepted) {
            T parsed;
            try {
                parsed = parser.apply(value);
            } catch (NumberFormatException e) {
                parsed = null;
            }
            if (parsed == null || !valid.test(parsed)) {
                throw new IllegalArgumentException(
                        "Invalid value '" + value + "' for " + name + ": expected " + accepted);
            }
            return parsed;
        }
    }

    /** Collects the results and writes them as Markdown. */
    static final class Report {
        private final Settings settings;
        private final String command;
        private final List<JobRun.Result> runs = new ArrayList<>();
        private final List<String> skips = new ArrayList<>();
        private LatencyRun.Result latency;
        private String latencyNotMeasuredReason;
        private Collection<RunResult> encoder = List.of();
        private String encoderNotMeasuredReason;

        Report(Settings settings, String[] args) {
            this.settings = settings;
            this.command = "scripts/benchmark.sh " + String.join(" ", args);
        }

        void add(JobRun.Result result) {
            runs.add(result);
        }

        void skipped(Variant variant, int keys, String reason) {
            skips.add(variant.label + " with " + keys + " keys: " + reason);
        }

        void latency(LatencyRun.Result result) {
            latency = result;
        }

        void encoder(Collection<RunResult> results) {
            encoder = results;
        }

        void latencyNotMeasured(String reason) {
            latencyNotMeasuredReason = reason;
        }

        void encoderNotMeasured(String reason) {
            encoderNotMeasuredReason = reason;
        }

        double fmadEventsPerSecond(int keys) {
            return eventsPerSecond(Variant.FMAD, keys);
        }

        /** The steady rate of {@code variant} with {@code keys} keys, or NaN when it did not run. */
        private double eventsPerSecond(Variant variant, int keys) {
            for (JobRun.Result run : runs) {
                if (run.variant() == variant && run.keys() == keys) {
                    return run.steadyEventsPerSecond();
                }
            }
            return Double.NaN;
        }

        void write(Path path) throws IOException {
            StringBuilder out = new StringBuilder();
            out.append("# fmad benchmark report\n\n");
            out.append("- date: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
            out.append("- command: `").append(command).append("`\n");
            out.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                    .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                    .append(", Java ").append(System.getProperty("java.version")).append(", max heap ")
                    .append(Runtime.getRuntime().maxMemory() >> 20).append(" MB, JVM arguments ")
                    .append(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                            .filter(a -> a.startsWith("-X")).toList())
                    .append('\n');
            out.append("- parallelism ").append(settings.parallelism).append(", fmad options: defaults")
                    .append(settings.jobOptions.isEmpty() ? "" : " and " + settings.jobOptions)
                    .append(", Flink options: defaults")
                    .append(settings.flinkOptions.isEmpty() ? "" : " and " + settings.flinkOptions).append("\n\n");

            out.append("## Throughput\n\n");
            out.append(String.format(Locale.ROOT, "Steady events/s leave out the first %.0f %% of the final operator's"
                    + " records; the ratios use them.%n%n", JobRun.WARM_UP_FRACTION * 100));
            out.append("| keys | events | job | steady events/s | whole-run events/s | heap B/key | checkpoint B/key"
                    + " | alert candidates |\n");
            out.append("|---:|---:|---|---:|---:|---:|---:|---:|\n");
            for (JobRun.Result run : runs) {
                out.append(String.format(Locale.ROOT, "| %,d | %,d | %s | %,.0f | %,.0f | %,.0f | %,.0f | %,d |%n",
                        run.keys(), run.events(), run.variant().label, run.steadyEventsPerSecond(),
                        run.eventsPerSecond(), run.heapBytesPerKey(), run.checkpointBytesPerKey(), run.candidates()));
            }
            for (String skip : skips) {
                out.append("\nNot run: ").append(skip).append('\n');
            }
            out.append("\n| keys | fmad / pass-through | fmad / rcf |\n|---:|---:|---:|\n");
            for (int keys : settings.keys) {
                double fmad = eventsPerSecond(Variant.FMAD, keys);
                out.append(String.format(Locale.ROOT, "| %,d | %s | %s |%n", keys,
                        ratio(fmad, eventsPerSecond(Variant.PASS_THROUGH, keys)),
                        ratio(fmad, eventsPerSecond(Variant.RANDOM_CUT_FOREST, keys))));
            }

            if (latency != null) {
                out.append("\n## Event-to-alert latency\n\n");
                out.append(String.format(Locale.ROOT,
                        "%,d keys, input at %,.0f events/s (target %,.0f, %.0f %% of fmad's maximum), %d s,"
                                + " watermark.out-of-orderness %d ms.%n%n",
                        latency.keys(), latency.achievedRate(), latency.targetRate(), settings.latencyLoad * 100,
                        settings.latencySeconds, settings.latencyOutOfOrderness.toMillis()));
                out.append("| consumer | alerts | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
                row(out, "read_uncommitted (written by the sink)", latency.written());
                row(out, "read_committed (after the checkpoint commits)", latency.committed());
            }

            if (latencyNotMeasuredReason != null) {
                out.append("\n## Event-to-alert latency\n\nNot measured: ").append(latencyNotMeasuredReason).append('\n');
            }
            if (encoderNotMeasuredReason != null) {
                out.append("\n## Encoder\n\nNot measured: ").append(encoderNotMeasuredReason).append('\n');
            }

            if (!encoder.isEmpty()) {
                out.append("\n## Encoder\n\n");
                out.append("| batch size | calls/s | windows/s | per window vs batch 1 |\n|---:|---:|---:|---:|\n");
                double single = Double.NaN;
                for (RunResult result : encoder) {
                    int batch = Integer.parseInt(result.getParams().getParam("batchSize"));
                    double calls = result.getPrimaryResult().getScore();
                    double windows = calls * batch;
                    if (batch == 1) {
                        single = windows;
                    }
                    out.append(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %.1f |%n", batch, calls, windows,
                            windows / single));
                }
            }
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.writeString(path, out.toString());
        }

        /** Formats a ratio of two rates, or returns "not run" when a rate is missing. */
        private static String ratio(double numerator, double denominator) {
            if (Double.isNaN(numerator) || Double.isNaN(denominator)) {
                return "not run";
            }
            return String.format(Locale.ROOT, "%.2f", numerator / denominator);
        }

        private static void row(StringBuilder out, String name, LatencyRun.Percentiles p) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d |%n", name, p.samples(), p.p50(), p.p99(), p.max()));
        }
    }
}
