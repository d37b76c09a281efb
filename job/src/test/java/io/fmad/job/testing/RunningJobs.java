package io.fmad.job.testing;

import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;

import java.time.Duration;

/** Helpers for tests that watch an unbounded job on a MiniCluster while it runs. */
public final class RunningJobs {

    private RunningJobs() {}

    /** A condition that may throw, for {@link #waitFor}. */
    @FunctionalInterface
    public interface CheckedCondition {
        boolean test() throws Exception;
    }

    /** Sums a counter of one job's {@code sliding-window} operator over its subtasks. */
    public static long windowCounter(InMemoryReporter reporter, JobID jobId, String counter) {
        long sum = 0;
        for (MetricGroup group : reporter.findOperatorMetricGroups(jobId, "sliding-window")) {
            Object metric = reporter.getMetricsByGroup(group).get(counter);
            if (metric instanceof Counter registered) {
                sum += registered.getCount();
            }
        }
        return sum;
    }

    /**
     * Polls {@code check} every 200 ms until it holds.
     *
     * @throws AssertionError naming {@code condition} when it does not hold within {@code wait}
     */
    public static void waitFor(Duration wait, String condition, CheckedCondition check) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!check.test()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + wait + " waiting for " + condition);
            }
            Thread.sleep(200);
        }
    }
}
