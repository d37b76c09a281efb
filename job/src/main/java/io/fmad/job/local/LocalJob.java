package io.fmad.job.local;

import io.fmad.job.FmadJob;

/**
 * Runs {@link FmadJob} in this JVM on a Flink MiniCluster that binds only 127.0.0.1, against any
 * Kafka broker; {@code scripts/job.sh} calls it. Invalid settings print one line and exit with 2.
 */
public final class LocalJob {

    private static final int DEFAULT_PARALLELISM = 2;

    private LocalJob() {}

    public static void main(String[] args) throws Exception {
        try {
            FmadJob.run(args, config -> LocalFlink.environment(
                    config.parallelism > 0 ? config.parallelism : DEFAULT_PARALLELISM));
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
            System.exit(2);
        }
    }
}
