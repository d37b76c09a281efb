package io.fmad.benchmarks;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps references to the metrics of a MiniCluster running in this JVM, so the harness reads
 * counters directly, without the REST API's metric fetcher and its update interval.
 *
 * <p>Metrics are kept by scope and name: an operator's metric under its {@code <operator_name>}, a
 * job's under {@code job}. Subtasks of one operator share a scope; {@link #sum} adds them up.
 */
public final class CollectingReporter implements MetricReporter {

    /** Configuration key that installs this reporter; see {@link #configure}. */
    static final String NAME = "fmad-benchmark";

    private static final Map<Registered, Metric> METRICS = new ConcurrentHashMap<>();

    private record Registered(String scope, String name, String subtask, int identity) {}

    /** Adds this reporter to {@code configuration}. */
    static void configure(org.apache.flink.configuration.Configuration configuration) {
        configuration.setString("metrics.reporter." + NAME + ".factory.class", Factory.class.getName());
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        METRICS.put(key(metric, metricName, group), metric);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        METRICS.remove(key(metric, metricName, group));
    }

    private static Registered key(Metric metric, String metricName, MetricGroup group) {
        Map<String, String> variables = group.getAllVariables();
        String operator = variables.get("<operator_name>");
        String scope = operator != null ? operator : variables.containsKey("<job_id>") ? "job" : "other";
        String subtask = variables.getOrDefault("<subtask_index>", "");
        return new Registered(scope, metricName, subtask, System.identityHashCode(metric));
    }

    /**
     * Returns the sum over subtasks of counter {@code name} of the operators whose name contains
     * {@code operator}; 0 when there is none yet.
     */
    static long sum(String operator, String name) {
        long total = 0;
        for (Map.Entry<Registered, Metric> entry : METRICS.entrySet()) {
            Registered key = entry.getKey();
            if (key.name().equals(name) && key.scope().contains(operator) && entry.getValue() instanceof Counter counter) {
                total += counter.getCount();
            }
        }
        return total;
    }

    /** Returns the value of the job-level gauge {@code name} as a long, or -1 when it is absent. */
    static long jobGauge(String name) {
        for (Map.Entry<Registered, Metric> entry : METRICS.entrySet()) {
            Registered key = entry.getKey();
            if (key.scope().equals("job") && key.name().equals(name) && entry.getValue() instanceof Gauge<?> gauge) {
                Object value = gauge.getValue();
                if (value instanceof Number number) {
                    return number.longValue();
                }
            }
        }
        return -1;
    }

    /** Forgets every metric, between runs. */
    static void clear() {
        METRICS.clear();
    }

    /** Creates the reporter; Flink finds it through {@code META-INF/services}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new CollectingReporter();
        }
    }
}
