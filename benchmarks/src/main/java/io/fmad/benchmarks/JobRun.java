package io.fmad.benchmarks;

import io.fmad.job.FmadPipeline;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.local.LocalFlink;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one variant over a pre-filled topic on a MiniCluster in this JVM and measures it.
 *
 * <p>Throughput is read from the operators' own record counters every 10 ms, so job start-up and
 * model loading are not counted. Two rates are kept. The whole-run rate is the events read divided
 * by the time from the first record leaving the source to the last record reaching the variant's
 * final keyed operator (the detector, the forest, or the identity operator). The steady rate
 * leaves out the first {@value #WARM_UP_FRACTION} of the final operator's records: the JIT compiler
 * took most of a core for the first 30 s of a run, and a run of 1,000,000 events lasts 6 to 20 s.
 * It is the final operator's records from then to the end, times the events each record stands for
 * ({@code window.slide} for fmad's windows, 1 otherwise), divided by that time. Heap per key is the heap in use after a full
 * collection with the job holding all its keys, less the heap before the job started, divided by
 * the keys. State per key is the full size of a checkpoint completed after the input was
 * processed, divided by the keys.
 */
final class JobRun {

    private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);

    private static final long POLL_MILLIS = 10;

    /** Share of the final operator's records left out of the steady rate. */
    static final double WARM_UP_FRACTION = 0.3;

    /** The figures of one run. */
    record Result(
            Variant variant,
            int keys,
            long events,
            long counted,
            double seconds,
            double steadyEventsPerSecond,
            long heapBytes,
            long checkpointBytes,
            long candidates) {

        /** Events per second over the whole run. */
        double eventsPerSecond() {
            return events / seconds;
        }

        double heapBytesPerKey() {
            return (double) heapBytes / keys;
        }

        double checkpointBytesPerKey() {
            return checkpointBytes < 0 ? Double.NaN : (double) checkpointBytes / keys;
        }
    }

    /** The plan of one run: its input, output topic, ids, parallelism and fmad options. */
    record Plan(
            Variant variant,
            SyntheticMetrics metrics,
            int rounds,
            String inputTopic,
            String outputTopic,
            String runId,
            int parallelism,
            Map<String, String> options) {

        long events() {
            return (long) metrics.keys() * rounds;
        }
    }

    private JobRun() {}

    /** Returns the job options of {@code plan}: fmad's defaults except for the topics and ids. */
    static Map<String, String> jobOptions(Plan plan, String bootstrapServers) {
        Map<String, String> options = new HashMap<>();
        options.put("kafka.bootstrap-servers", bootstrapServers);
        options.put("kafka.topic.metrics", plan.inputTopic());
        options.put("kafka.topic.alerts", plan.outputTopic());
        options.put("kafka.topic.dead-letters", plan.outputTopic() + "-dead-letters");
        options.put("kafka.group-id", plan.runId());
        options.put("kafka.transactional-id-prefix", plan.runId());
        options.put("kafka.starting-offsets", "earliest");
        options.put("job.parallelism", Integer.toString(plan.parallelism()));
        options.put("job.name", plan.runId());
        options.putAll(plan.options());
        return options;
    }

    /**
     * Returns the MiniCluster settings: loopback only, no restarts, this harness's reporter,
     * checkpoints on disk, then {@code flinkOptions} (Flink's own keys) over those.
     */
    static Configuration clusterConfiguration(Path checkpoints, Map<String, String> flinkOptions) {
        Configuration configuration = LocalFlink.loopbackConfiguration();
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        configuration.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        configuration.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        CollectingReporter.configure(configuration);
        flinkOptions.forEach(configuration::setString);
        return configuration;
    }

    /** Builds the variant's job graph in {@code env}. */
    static void build(StreamExecutionEnvironment env, Variant variant, FmadConfig config) {
        switch (variant) {
            case PASS_THROUGH -> PassThroughJob.build(env, config, config.alertsTopic);
            case FMAD -> FmadPipeline.build(env, config);
            case RANDOM_CUT_FOREST -> FmadPipeline.build(env, config, new RandomCutForestStage());
            default -> throw new IllegalArgumentException("Unknown variant " + variant);
        }
    }

    /** Returns the operator whose records-in counter reaches {@link #target} when the input is processed. */
    static String finalOperator(Variant variant) {
        return switch (variant) {
            case PASS_THROUGH -> PassThroughJob.IDENTITY;
            case FMAD -> "detector";
            case RANDOM_CUT_FOREST -> RandomCutForestStage.DETECTOR;
        };
    }

    /**
     * Returns the records the final operator receives for the whole input. fmad's detector receives
     * a window at a key's {@code window.size}-th event and at every {@code window.slide}-th event
     * after it, except in the last round, whose events wait for a watermark that never comes.
     */
    static long target(Plan plan, int windowSize, int windowSlide) {
        if (plan.variant() != Variant.FMAD) {
            return plan.events();
        }
        int released = plan.rounds() - 1;
        if (released < windowSize) {
            return 0;
        }
        return (long) plan.metrics().keys() * ((released - windowSize) / windowSlide + 1);
    }

    /** Events that one record of the final operator stands for: a window per slide for fmad. */
    static int eventsPerRecord(Variant variant, FmadConfig config) {
        return variant == Variant.FMAD ? config.windowSlide : 1;
    }

    static Result run(Plan plan, BrokerProcess broker, Path workDir, Map<String, String> flinkOptions, Duration timeout)
            throws Exception {
        FmadConfig config = FmadConfig.from(jobOptions(plan, broker.bootstrapServers()));
        broker.createTopic(config.alertsTopic, plan.parallelism());
        broker.createTopic(config.deadLettersTopic, 1);
        long target = target(plan, config.windowSize, config.windowSlide);
        if (target <= 0) {
            throw new IllegalArgumentException(plan.runId() + ": " + plan.rounds() + " rounds give fmad no window to score");
        }
        String operator = finalOperator(plan.variant());

        long heapBefore = usedHeapAfterGc();
        JobClient job = start(plan, config, workDir, flinkOptions);
        LOG.info("{}: running {} over {} events of {} keys", plan.runId(), plan.variant().label, plan.events(),
                plan.metrics().keys());

        long deadline = System.nanoTime() + timeout.toNanos();
        long first = -1;
        long last = -1;
        long counted = 0;
        long polls = 0;
        long warm = -1;
        long countedWhenWarm = 0;
        long warmUpRecords = (long) Math.ceil(target * WARM_UP_FRACTION);
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (first < 0 && (CollectingReporter.sum("metrics-source", "numRecordsOut") > 0
                    || CollectingReporter.sum(operator, "numRecordsIn") > 0)) {
                first = now;
            }
            counted = CollectingReporter.sum(operator, "numRecordsIn");
            if (warm < 0 && counted >= warmUpRecords) {
                warm = now;
                countedWhenWarm = counted;
            }
            if (polls % 1000 == 0) {
                LOG.info("{}: source emitted {}, {} received {} of {}", plan.runId(),
                        CollectingReporter.sum("metrics-source", "numRecordsOut"), operator, counted, target);
            }
            if (counted >= target) {
                last = now;
                break;
            }
            if (++polls % 100 == 0) {
                failIfEnded(job, plan.runId());
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        try {
            if (last < 0) {
                throw new IllegalStateException(plan.runId() + ": " + operator + " saw " + counted + " of " + target
                        + " records within " + timeout);
            }
            double seconds = (last - first) / 1e9;
            double steady = last > warm
                    ? (counted - countedWhenWarm) * (double) eventsPerRecord(plan.variant(), config) / ((last - warm) / 1e9)
                    : Double.NaN;
            long candidates = CollectingReporter.sum("incidents", "numRecordsIn");
            long heap = usedHeapAfterGc() - heapBefore;
            long checkpointBytes = checkpointAfterInput(config.checkpointInterval, config.checkpointTimeout);
            Result result = new Result(plan.variant(), plan.metrics().keys(), plan.events(), counted, seconds, steady,
                    heap, checkpointBytes, candidates);
            LOG.info("{}: {} events/s steady, {} over the whole run, heap {} B/key, checkpoint {} B/key", plan.runId(),
                    Math.round(result.steadyEventsPerSecond()), Math.round(result.eventsPerSecond()),
                    Math.round(result.heapBytesPerKey()),
                    Math.round(result.checkpointBytesPerKey()));
            return result;
        } finally {
            stop(job, plan, workDir);
        }
    }

    /**
     * Submits the plan's variant, built from {@code config}, to a new MiniCluster with its
     * checkpoints under {@code workDir}, after clearing the metrics of earlier runs.
     */
    static JobClient start(Plan plan, FmadConfig config, Path workDir, Map<String, String> flinkOptions)
            throws Exception {
        CollectingReporter.clear();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(
                        plan.parallelism(), clusterConfiguration(checkpoints(workDir, plan), flinkOptions));
        build(env, plan.variant(), config);
        return env.executeAsync(plan.runId());
    }

    /** Cancels the job, waits until it is gone, clears its metrics and deletes its checkpoints. */
    static void stop(JobClient job, Plan plan, Path workDir) throws Exception {
        try {
            job.cancel().get(1, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.debug("Cancelling {}: {}", plan.runId(), e.toString());
        }
        awaitTerminal(job);
        CollectingReporter.clear();
        BenchmarkHarness.deleteRecursively(checkpoints(workDir, plan));
    }

    private static Path checkpoints(Path workDir, Plan plan) {
        return workDir.resolve("checkpoints-" + plan.runId());
    }

    /**
     * Throws when the job has ended, with the cause of its failure. A local environment shuts its
     * MiniCluster down with a failed job, so the status request fails then, and the cause comes from
     * the job's result.
     */
    static void failIfEnded(JobClient job, String runId) throws InterruptedException {
        boolean ended;
        try {
            ended = job.getJobStatus().get().isGloballyTerminalState();
        } catch (ExecutionException | IllegalStateException e) {
            ended = true;
        }
        if (!ended) {
            return;
        }
        try {
            job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(runId + " ended before it processed its input: " + rootCause(e), e);
        }
        throw new IllegalStateException(runId + " ended before it processed its input");
    }

    /** Returns the innermost cause of {@code failure}, which names what went wrong in a job. */
    static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Waits for two more completed checkpoints, so that the last one started after the input was
     * processed, and returns its full size in bytes, or -1 when none completed in time.
     */
    private static long checkpointAfterInput(Duration interval, Duration checkpointTimeout) throws InterruptedException {
        long start = CollectingReporter.jobGauge("numberOfCompletedCheckpoints");
        long deadline = System.nanoTime() + interval.multipliedBy(3).plus(checkpointTimeout).toNanos();
        while (System.nanoTime() < deadline) {
            if (CollectingReporter.jobGauge("numberOfCompletedCheckpoints") >= start + 2) {
                return CollectingReporter.jobGauge("lastCheckpointFullSize");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return -1;
    }

    /**
     * Waits until the cancelled job is gone. A local environment shuts its MiniCluster down with
     * the job, after which status requests fail, so a failed request also means the job is gone.
     */
    static void awaitTerminal(JobClient job) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            try {
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException | IllegalStateException e) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** Returns the heap in use after full collections, in bytes. */
    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
