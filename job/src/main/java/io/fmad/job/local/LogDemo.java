package io.fmad.job.local;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.LogEvent;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.tools.ReplayTool;
import io.fmad.job.config.LogOptions;
import io.fmad.job.ingest.LogDeadLetterRouter;
import io.fmad.job.local.LogGenerator.Injection;
import io.fmad.job.local.LogGenerator.Service;
import io.fmad.job.logs.LogNoveltyDetector;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.kafka.clients.producer.Producer;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Log part of the local demo. It writes generated log lines for the demo's hosts to the logs topic,
 * with one injected anomaly per host, and reports which of them the job's log alerts found.
 *
 * <p>Hosts take the kinds of {@link Service} in turn (host-01 an HTTP API, host-02 a database,
 * host-03 a batch worker, host-04 an HTTP API again, and so on). Each host logs one line per
 * second, and its last line falls just before the end of the metric stream.
 */
final class LogDemo {

    /** Partitions of the logs topic. Lines are keyed by host, so each host's lines stay in order. */
    static final int PARTITIONS = 2;

    private final Map<String, Service> services = new TreeMap<>();
    private final int lines;
    private final LogGenerator generator;
    private final List<Injection> injected;
    private Instant start;
    private long produced;

    /**
     * @param hosts hosts to generate lines for, named as {@link MetricGenerator} names them
     * @param lines lines per host, at least 1
     * @param seed seed of all random choices
     */
    LogDemo(int hosts, int lines, long seed) {
        Service[] kinds = Service.values();
        for (int k = 0; k < hosts; k++) {
            services.put(MetricGenerator.hostKey(k), kinds[k % kinds.length]);
        }
        this.lines = lines;
        this.generator = new LogGenerator(seed);
        this.injected = generator.anomalies(services, lines);
    }

    /**
     * Generates the lines so that each host's last line falls within a second before {@code end},
     * sends them to {@code topic} keyed by host, and prints the injected anomalies.
     *
     * @return the number of lines the broker acknowledged
     */
    long produce(Producer<byte[], byte[]> producer, String topic, Instant end, PrintStream out)
            throws InterruptedException {
        start = end.minusMillis(lines * LogGenerator.LINE_INTERVAL_MILLIS);
        List<LogEvent> events = generator.generate(services, lines, start, injected);
        produced = ReplayTool.replay(
                producer, topic, events, SingleObjectCodec.forClass(LogEvent.class), LogEvent::getKey, 0);
        out.printf("Generated %d log lines for %d hosts (%d per host, one per second from %s); injected log anomalies:%n",
                produced, services.size(), lines, start);
        for (Injection injection : injected) {
            out.printf("  %-8s line %-6d %-5s %-15s '%s'%n", injection.key(), injection.position(), injection.level(),
                    injection.kind(), injection.message());
        }
        return produced;
    }

    /**
     * Prints the log part of the summary: lines read, log alerts per host, whether an alert marked
     * each injected line, and how many alerts marked other lines (false alarms).
     *
     * @param alerts the log alerts read back from the alerts topic: the OPEN and UPDATE records of log
     *     incidents, one per alert the log detector raised
     * @param warmUp lines a key logs before it can alert ({@code logs.warm-up})
     */
    void printSummary(PrintStream out, JobExecutionResult result, List<AnomalyAlert> alerts, int warmUp) {
        long linesIn = LocalRunner.longAccumulator(result, LogDeadLetterRouter.LOGS_ACCUMULATOR);
        long deadLetters = LocalRunner.longAccumulator(result, LogDeadLetterRouter.DEAD_LETTERS_ACCUMULATOR);
        long emitted = LocalRunner.longAccumulator(result, LogNoveltyDetector.ALERTS_ACCUMULATOR);
        Map<String, Integer> perKey = new TreeMap<>();
        services.keySet().forEach(key -> perKey.put(key, 0));
        alerts.forEach(alert -> perKey.merge(alert.getKey(), 1, Integer::sum));

        out.println();
        out.println("Logs");
        out.printf("  lines produced          %d%n", produced);
        out.printf("  lines read by the job   %d (dead letters: %d)%n", linesIn, deadLetters);
        out.printf("  log alerts written      %d (read back committed: %d)%n", emitted, alerts.size());
        out.println("  log alerts per key:");
        perKey.forEach((key, count) -> out.printf("    %-50s %d%n", key, count));

        out.println("  injected log anomalies:");
        for (Injection injection : injected) {
            String detection = alertOn(alerts, injection)
                    .map(alert -> String.format(Locale.ROOT, "detected, score %.5f", alert.getScore()))
                    .orElse(injection.position() < warmUp
                            ? "missed: the line is within the key's first " + LogOptions.WARM_UP.key() + " (" + warmUp + ") lines"
                            : "missed");
            out.printf("    %-8s line %-6d %-5s %-15s %s%n", injection.key(), injection.position(), injection.level(),
                    injection.kind(), detection);
        }
        long falseAlarms = alerts.stream()
                .filter(alert -> injected.stream().noneMatch(injection -> marks(alert, injection)))
                .count();
        out.printf("  log alerts matching no injected anomaly (false alarms): %d%n", falseAlarms);
    }

    private Optional<AnomalyAlert> alertOn(List<AnomalyAlert> alerts, Injection injection) {
        return alerts.stream().filter(alert -> marks(alert, injection)).findFirst();
    }

    /** Returns whether {@code alert} marks the injected line. A log alert's window end is its line's event time. */
    private boolean marks(AnomalyAlert alert, Injection injection) {
        return alert.getKey().equals(injection.key())
                && alert.getWindowEnd().equals(
                        LogGenerator.lineTime(services.keySet(), start, injection.key(), injection.position()));
    }
}
