package io.fmad.job.interpret;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Explanation;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.interpret.llm.LlmInterpreter;
import io.fmad.job.testing.ChatCompletionsStub;
import io.fmad.job.testing.ChatCompletionsStub.Reply;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures the time each interpreter backend adds to an alert, one alert at a time, and what a
 * hanging LLM endpoint does to a burst of alerts. Run by {@code scripts/interpreter-latency.sh};
 * prints Markdown tables.
 *
 * <p>The LLM is a local chat-completions server that answers at once or after a set delay, so the
 * LLM rows show fmad's own cost (prompt, HTTP on loopback, validation) plus that delay. A real
 * model's generation time comes on top and dominates: seconds, not milliseconds.
 */
public final class InterpreterLatencyBenchmark {

    private static final int WARM_UP = 20;
    private static final int CALLS = 300;
    private static final int BURST = 50;

    private InterpreterLatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path runbooks = Path.of(args.length > 0 ? args[0] : "runbooks");
        List<RunbookEntry> entries = RunbookLibrary.load(runbooks);
        List<String[]> rows = new ArrayList<>();
        double baseline;

        try (Interpreter builtIn = new BuiltInExplainer()) {
            long[] nanos = measure(builtIn, false);
            baseline = median(nanos);
            rows.add(row("built-in", nanos, baseline));
        }
        InterpreterFactory retrieval = RunbookRetriever.factory(entries, 3);
        try (Interpreter retriever = retrieval.create()) {
            rows.add(row("built-in + runbooks", measure(retriever, false), baseline));
        }
        try (ChatCompletionsStub stub = new ChatCompletionsStub(Reply.validAnswer())) {
            try (Interpreter llm = llm(stub, retrieval, entries, Map.of("interpreter.llm.cache-size", "0"))) {
                rows.add(row("built-in + runbooks + LLM (answers at once)", measure(llm, false), baseline));
            }
            try (Interpreter llm = llm(stub, retrieval, entries, Map.of())) {
                rows.add(row("built-in + runbooks + LLM, same incident (cached)", measure(llm, true), baseline));
            }
        }
        try (ChatCompletionsStub stub = new ChatCompletionsStub(Reply.validAnswer().delayed(200))) {
            try (Interpreter llm = llm(stub, retrieval, entries, Map.of("interpreter.llm.cache-size", "0"))) {
                rows.add(row("built-in + runbooks + LLM (answers after 200 ms)", measure(llm, false), baseline));
            }
        }

        System.out.printf(Locale.ROOT, "Per alert, one alert at a time, %d alerts after %d warm-up alerts:%n%n", CALLS, WARM_UP);
        System.out.println("| backend | median | p95 | mean | median / built-in median |");
        System.out.println("|---|---|---|---|---|");
        for (String[] row : rows) {
            System.out.println("| " + String.join(" | ", row) + " |");
        }

        try (ChatCompletionsStub stub = new ChatCompletionsStub(Reply.hanging());
                Interpreter llm = llm(stub, retrieval, entries, Map.of("interpreter.timeout", "2 s"))) {
            hangingBurst(llm, stub);
        }
    }

    /** Sends a burst of alerts of distinct keys at once to a hanging endpoint, and times each explanation. */
    private static void hangingBurst(Interpreter llm, ChatCompletionsStub stub) throws Exception {
        List<CompletableFuture<Explanation>> futures = new ArrayList<>();
        long[] done = new long[BURST];
        long start = System.nanoTime();
        for (int i = 0; i < BURST; i++) {
            int index = i;
            CompletableFuture<Explanation> future = llm.explain(alert("burst-" + i, i));
            futures.add(future.whenComplete((e, error) -> done[index] = System.nanoTime() - start));
        }
        int failed = 0;
        Map<String, Integer> reasons = new HashMap<>();
        for (CompletableFuture<Explanation> future : futures) {
            Explanation explanation = future.get(10, TimeUnit.SECONDS);
            if (explanation.getEnrichmentFailed()) {
                failed++;
                reasons.merge(explanation.getFailureReason(), 1, Integer::sum);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%nHanging endpoint, interpreter.timeout 2 s, default limits: %d alerts sent at once;"
                        + " %d requests reached the endpoint; %d of %d explanations flagged as failed;"
                        + " time to each explanation: min %s, median %s, max %s.%n",
                BURST, stub.requests().size(), failed, BURST,
                millis(Arrays.stream(done).min().orElseThrow()), millis(median(done)),
                millis(Arrays.stream(done).max().orElseThrow()));
        reasons.forEach((reason, count) -> System.out.printf(Locale.ROOT, "  %d x %s%n", count, reason));
    }

    private static Interpreter llm(
            ChatCompletionsStub stub, InterpreterFactory base, List<RunbookEntry> entries, Map<String, String> options)
            throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("interpreter.llm.endpoint", stub.endpoint());
        settings.put("interpreter.llm.model", "benchmark");
        // Sequential calls must never wait on the gate: this measures latency, not the limits.
        settings.put("interpreter.llm.rate-limit", "10000");
        settings.putAll(options);
        FmadConfig config = FmadConfig.from(settings);
        return LlmInterpreter.factory(config.llm, base, entries, config.interpreterTimeout).create();
    }

    private static long[] measure(Interpreter interpreter, boolean sameIncident) throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            check(interpreter.explain(alert(sameIncident ? "host-0" : "warm-" + i, i)).get());
        }
        long[] nanos = new long[CALLS];
        for (int i = 0; i < CALLS; i++) {
            AnomalyAlert alert = alert(sameIncident ? "host-0" : "host-" + i, i);
            long start = System.nanoTime();
            check(interpreter.explain(alert).get());
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    private static void check(Explanation explanation) {
        if (explanation.getEnrichmentFailed()) {
            throw new IllegalStateException("Enrichment failed: " + explanation.getFailureReason());
        }
    }

    private static final String[] VALUES = {"cpu", "latency_ms", "disk_used_percent"};

    private static AnomalyAlert alert(String key, int index) {
        String value = VALUES[index % VALUES.length];
        AnomalyAlert alert = RunbookRetrieverTest.metricAlert(value, 97.5, 60.0, 4.0);
        Instant time = Instant.parse("2024-03-01T12:00:00Z").plusSeconds(60L * index);
        return AnomalyAlert.newBuilder(alert).setKey(key).setAlertId(key + "-" + index)
                .setWindowStart(time.minusSeconds(3600)).setWindowEnd(time).build();
    }

    private static String[] row(String name, long[] nanos, double baselineMedian) {
        double median = median(nanos);
        return new String[] {
            name,
            millis(median),
            millis(percentile(nanos, 0.95)),
            millis(Arrays.stream(nanos).average().orElseThrow()),
            String.format(Locale.ROOT, "%.0f", median / baselineMedian)
        };
    }

    private static double median(long[] values) {
        return percentile(values, 0.5);
    }

    private static double percentile(long[] values, double quantile) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
    }

    private static String millis(double nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
}
