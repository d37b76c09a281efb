package io.fmad.job.local;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/** A local Flink MiniCluster environment that binds only the loopback address. */
public final class LocalFlink {

    private static final String LOOPBACK = "127.0.0.1";

    private LocalFlink() {}

    /** Returns settings that keep every MiniCluster endpoint on 127.0.0.1 (Flink binds 0.0.0.0 by default). */
    public static Configuration loopbackConfiguration() {
        Configuration configuration = new Configuration();
        configuration.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        configuration.set(RestOptions.ADDRESS, LOOPBACK);
        configuration.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        configuration.set(JobManagerOptions.ADDRESS, LOOPBACK);
        configuration.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        configuration.set(TaskManagerOptions.HOST, LOOPBACK);
        return configuration;
    }

    /** Attempts after the first failure before a local job fails for good. */
    static final int RESTART_ATTEMPTS = 3;

    /**
     * Creates a local environment with {@code parallelism} slots on the loopback address. A failing
     * job restarts at most {@value #RESTART_ATTEMPTS} times, one second apart, and then fails the
     * run: with Flink's default of unlimited restarts, a local run with a broken task would hang
     * without a word.
     */
    public static StreamExecutionEnvironment environment(int parallelism) {
        Configuration configuration = loopbackConfiguration();
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, RESTART_ATTEMPTS);
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, configuration);
    }
}
