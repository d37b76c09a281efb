package io.fmad.job.local;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

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

    /** Creates a local environment with {@code parallelism} slots on the loopback address. */
    public static StreamExecutionEnvironment environment(int parallelism) {
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, loopbackConfiguration());
    }
}
