package io.fmad.job.interpret.llm;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Explanation;
import io.fmad.job.config.LlmConfig;
import io.fmad.job.interpret.Interpreter;
import io.fmad.job.interpret.InterpreterFactory;
import io.fmad.job.interpret.RunbookEntry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Explains alerts with an LLM behind an OpenAI-compatible chat-completions API, on top of a base
 * interpreter (the built-in explainer, with runbook retrieval when it is on).
 *
 * <p>For each alert the base explanation is made first. The LLM then gets the alert, that
 * explanation and the retrieved runbook entries ({@link PromptBuilder}), and its answer, once
 * validated ({@link AnswerValidator}), fills the summary, likely cause and next step. The base
 * summary moves to {@code builtInSummary}, and the references stay. The LLM cannot touch the
 * alert's other fields: it only ever produces an {@link LlmAnswer}.
 *
 * <p>Each explanation has a deadline a little before {@code interpreter.timeout}, so that this
 * class, not Flink's timeout, decides the outcome, and the references survive a failure. Before it:
 * up to {@code max-attempts} requests, each bounded by {@code request-timeout} and the time left,
 * retried only on retryable errors with {@link RetryPolicy}'s backoff, and each admitted by a
 * {@link RequestGate} (concurrency and rate limit). An alert whose enrichment fails for any reason
 * leaves with the base explanation, {@code enrichmentFailed} set and a reason that names no secret.
 * The returned future never fails because of the LLM.
 *
 * <p>Answers are cached per incident id: the UPDATE records of an incident reuse the answer to its
 * OPEN record (or wait for its request in flight) instead of asking again, and its RESOLVED record
 * ends the entry without asking. A failed answer is not cached, so the next record asks anew.
 */
public final class LlmInterpreter implements Interpreter {

    private static final Logger LOG = LoggerFactory.getLogger(LlmInterpreter.class);

    /** Prefix of the interpreter's name, which continues with the model name. */
    public static final String NAME_PREFIX = "llm:";

    /** Prefix of every failure reason this interpreter writes. */
    static final String FAILURE_PREFIX = "LLM enrichment failed: ";

    /** An attempt that could run less than this is not started. */
    static final long MIN_ATTEMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Time given to the client to end a request by itself before the attempt is abandoned. */
    private static final long ATTEMPT_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Interpreter base;
    private final LlmConfig config;
    private final long budgetNanos;
    private final PromptBuilder prompts;
    private final AnswerValidator validator = new AnswerValidator();
    private final RetryPolicy retryPolicy;
    private final ScheduledExecutorService scheduler;
    private final RequestGate gate;
    private final ChatClient client;
    private final Cache<String, CompletableFuture<LlmAnswer>> incidents;
    private final LongSupplier clock = System::nanoTime;
    private final String name;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    private Counter requests = new SimpleCounter();
    private Counter retries = new SimpleCounter();
    private Counter failures = new SimpleCounter();
    private Counter timeouts = new SimpleCounter();
    private Counter cacheHits = new SimpleCounter();
    private Counter rejected = new SimpleCounter();
    private MetricGroup rejectedGroup;
    private final Map<String, Counter> rejectedByReason = new ConcurrentHashMap<>();
    private Histogram latency = new DescriptiveStatisticsHistogram(1000);

    /** The failure of one explanation's enrichment; the message is the failure reason. */
    static final class EnrichmentException extends Exception {
        private static final long serialVersionUID = 1L;

        EnrichmentException(String message) {
            super(message, null, false, false);
        }
    }

    private LlmInterpreter(LlmConfig config, Interpreter base, List<RunbookEntry> runbooks, Duration timeout) {
        this.base = base;
        this.config = config;
        this.budgetNanos = timeout.toNanos() - marginNanos(timeout);
        this.prompts = new PromptBuilder(runbooks.stream()
                .collect(Collectors.toMap(RunbookEntry::source, entry -> entry, (a, b) -> a)));
        this.retryPolicy = new RetryPolicy(config.maxAttempts, config.backoff, config.maxBackoff);
        ScheduledThreadPoolExecutor executor =
                new ScheduledThreadPoolExecutor(
                        1,
                        runnable -> {
                            Thread thread = new Thread(runnable, "fmad-llm-scheduler");
                            thread.setDaemon(true);
                            return thread;
                        });
        // Deadlines are scheduled for every request; drop them as soon as the request ends.
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = Executors.unconfigurableScheduledExecutorService(executor);
        this.gate = new RequestGate(config.maxConcurrency, config.rateLimit, scheduler, clock);
        this.client = new ChatClient(config);
        this.incidents = config.cacheSize == 0 ? null : Caffeine.newBuilder().maximumSize(config.cacheSize).build();
        this.name = NAME_PREFIX + config.model;
    }

    /**
     * Returns a factory of LLM interpreters over the interpreters of {@code base}.
     *
     * @param runbooks the runbook entries, for excerpts of those that {@code base} retrieves
     * @param timeout {@code interpreter.timeout}, within which every explanation completes
     */
    public static InterpreterFactory factory(
            LlmConfig config, InterpreterFactory base, List<RunbookEntry> runbooks, Duration timeout) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("No LLM endpoint is configured");
        }
        List<RunbookEntry> entries = List.copyOf(runbooks);
        return () -> {
            Interpreter baseInterpreter = base.create();
            try {
                return new LlmInterpreter(config, baseInterpreter, entries, timeout);
            } catch (RuntimeException e) {
                baseInterpreter.close();
                throw e;
            }
        };
    }

    /**
     * Time kept back from {@code interpreter.timeout} so that a failed enrichment is decided here,
     * before Flink's own timeout: a tenth of it, from 50 ms to 1 s.
     */
    static long marginNanos(Duration timeout) {
        long tenth = timeout.toNanos() / 10;
        return Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(TimeUnit.SECONDS.toNanos(1), tenth));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void registerMetrics(MetricGroup interpreterGroup) {
        base.registerMetrics(interpreterGroup);
        MetricGroup group = interpreterGroup.addGroup("llm");
        requests = group.counter("requests");
        retries = group.counter("retries");
        failures = group.counter("failures");
        timeouts = group.counter("timeouts");
        cacheHits = group.counter("cacheHits");
        rejected = group.counter("rejectedAnswers");
        rejectedGroup = group.addGroup("rejected");
        latency = group.histogram("latencyMs", new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public CompletableFuture<Explanation> explain(AnomalyAlert alert) {
        long deadline = clock.getAsLong() + budgetNanos;
        if (alert.getStatus() == AlertStatus.RESOLVED) {
            // Nothing to explain: the built-in text states when and how the incident ended.
            if (incidents != null && alert.getIncidentId() != null) {
                incidents.invalidate(alert.getIncidentId());
            }
            return base.explain(alert);
        }
        return base.explain(alert).thenCompose(explanation -> enrich(alert, explanation, deadline));
    }

    private CompletableFuture<Explanation> enrich(AnomalyAlert alert, Explanation baseExplanation, long deadline) {
        CompletableFuture<LlmAnswer> answer = withDeadline(incidentAnswer(alert, baseExplanation, deadline), deadline);
        return answer.handle(
                (result, error) -> result != null
                        ? withAnswer(baseExplanation, result)
                        : failed(baseExplanation, error));
    }

    /**
     * Returns the answer of the alert's incident: cached, in flight, or asked for now. Records
     * without an incident id (written before incidents existed) are asked for one by one.
     */
    private CompletableFuture<LlmAnswer> incidentAnswer(AnomalyAlert alert, Explanation baseExplanation, long deadline) {
        if (incidents == null || alert.getIncidentId() == null) {
            return ask(alert, baseExplanation, deadline);
        }
        String key = alert.getIncidentId();
        boolean[] reused = new boolean[1];
        CompletableFuture<LlmAnswer> answer =
                incidents.asMap().compute(key, (k, current) -> {
                    if (current != null && !current.isCompletedExceptionally()) {
                        reused[0] = true;
                        return current;
                    }
                    return new CompletableFuture<>();
                });
        if (reused[0]) {
            cacheHits.inc();
            return answer;
        }
        ask(alert, baseExplanation, deadline)
                .whenComplete((result, error) -> {
                    if (error != null) {
                        // Not cached, so the incident's next record sends a new request.
                        incidents.asMap().remove(key, answer);
                        answer.completeExceptionally(error);
                    } else {
                        answer.complete(result);
                    }
                });
        return answer;
    }

    /** Starts the requests for one answer; the future fails with an {@link EnrichmentException}. */
    private CompletableFuture<LlmAnswer> ask(AnomalyAlert alert, Explanation baseExplanation, long deadline) {
        CompletableFuture<LlmAnswer> result = new CompletableFuture<>();
        Prompt prompt;
        try {
            prompt = prompts.build(alert, baseExplanation);
        } catch (RuntimeException e) {
            fail(result, "the prompt could not be built (" + e.getClass().getSimpleName() + ")");
            return result;
        }
        attempt(prompt, 1, deadline, result);
        return result;
    }

    private void attempt(Prompt prompt, int number, long deadline, CompletableFuture<LlmAnswer> result) {
        long remaining = deadline - clock.getAsLong();
        if (remaining < MIN_ATTEMPT_NANOS) {
            fail(result, "no time left for attempt " + number + " within interpreter.timeout");
            return;
        }
        // An admission later than this leaves no time for the request.
        gate.acquire(deadline - MIN_ATTEMPT_NANOS).whenComplete((admitted, gateError) -> {
            if (gateError != null) {
                fail(result, cause(gateError).getMessage());
                return;
            }
            send(prompt, number, deadline, result);
        });
    }

    /** Sends one attempt; the gate has admitted it, so it must release the gate exactly once. */
    private void send(Prompt prompt, int number, long deadline, CompletableFuture<LlmAnswer> result) {
        long started = clock.getAsLong();
        long attemptNanos = Math.min(config.requestTimeout.toNanos(), deadline - started);
        if (attemptNanos < MIN_ATTEMPT_NANOS) {
            gate.release();
            fail(result, "no time left for attempt " + number + " within interpreter.timeout");
            return;
        }
        requests.inc();
        AtomicBoolean ended = new AtomicBoolean();
        CompletableFuture<String> call = client.complete(prompt, Duration.ofNanos(attemptNanos));
        // The client ends the request at its call timeout; this watchdog only guards against a
        // client that does not, so that a slot is never held forever.
        var watchdog = scheduler.schedule(
                () -> {
                    if (ended.compareAndSet(false, true)) {
                        gate.release();
                        call.cancel(true);
                        onFailure(prompt, number, deadline, result,
                                new ChatClient.ChatException("the request timed out", true, true, -1));
                    }
                },
                attemptNanos + ATTEMPT_GRACE_NANOS,
                TimeUnit.NANOSECONDS);
        call.whenComplete((text, error) -> {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            watchdog.cancel(false);
            gate.release();
            if (error != null) {
                onFailure(prompt, number, deadline, result, cause(error));
                return;
            }
            latency.update(TimeUnit.NANOSECONDS.toMillis(clock.getAsLong() - started));
            try {
                result.complete(validator.validate(text));
            } catch (InvalidAnswerException e) {
                rejected.inc();
                countRejection(e.reason());
                fail(result, "the answer was rejected: " + e.getMessage());
            }
        });
    }

    private void onFailure(
            Prompt prompt, int number, long deadline, CompletableFuture<LlmAnswer> result, Throwable error) {
        if (!(error instanceof ChatClient.ChatException chat)) {
            fail(result, "the request failed (" + error.getClass().getSimpleName() + ")");
            return;
        }
        if (chat.timeout) {
            timeouts.inc();
        }
        String attempts = " (attempt " + number + " of " + retryPolicy.maxAttempts() + ")";
        if (!chat.retryable || number >= retryPolicy.maxAttempts()) {
            fail(result, chat.getMessage() + attempts);
            return;
        }
        long delay = retryPolicy.delayNanos(number, chat.retryAfterNanos);
        if (clock.getAsLong() + delay + MIN_ATTEMPT_NANOS > deadline) {
            fail(result, chat.getMessage() + attempts + ", and no time is left for a retry");
            return;
        }
        retries.inc();
        scheduler.schedule(() -> attempt(prompt, number + 1, deadline, result), delay, TimeUnit.NANOSECONDS);
    }

    private void countRejection(String reason) {
        if (rejectedGroup == null) {
            return;
        }
        rejectedByReason.computeIfAbsent(reason, rejectedGroup::counter).inc();
    }

    private static void fail(CompletableFuture<LlmAnswer> result, String reason) {
        result.completeExceptionally(new EnrichmentException(reason));
    }

    /** Returns a future that also fails when {@code deadline} passes; {@code answer} is left running. */
    private CompletableFuture<LlmAnswer> withDeadline(CompletableFuture<LlmAnswer> answer, long deadline) {
        if (answer.isDone()) {
            return answer;
        }
        CompletableFuture<LlmAnswer> bounded = new CompletableFuture<>();
        var timer = scheduler.schedule(
                () -> bounded.completeExceptionally(
                        new EnrichmentException("the LLM did not respond within interpreter.timeout")),
                Math.max(0, deadline - clock.getAsLong()),
                TimeUnit.NANOSECONDS);
        answer.whenComplete((result, error) -> {
            timer.cancel(false);
            if (error != null) {
                bounded.completeExceptionally(error);
            } else {
                bounded.complete(result);
            }
        });
        return bounded;
    }

    private Explanation withAnswer(Explanation baseExplanation, LlmAnswer answer) {
        return Explanation.newBuilder(baseExplanation)
                .setSummary(answer.summary())
                .setLikelyCause(answer.likelyCause())
                .setNextStep(answer.nextStep())
                .setBuiltInSummary(baseExplanation.getSummary())
                .setInterpreter(name + suffixOf(baseExplanation))
                .setEnrichmentFailed(false)
                .setFailureReason(null)
                .build();
    }

    private Explanation failed(Explanation baseExplanation, Throwable error) {
        failures.inc();
        Throwable cause = cause(error);
        String reason = cause instanceof EnrichmentException
                ? cause.getMessage()
                : "the request failed (" + cause.getClass().getSimpleName() + ")";
        if (failureLogged.compareAndSet(false, true)) {
            LOG.warn("LLM enrichment at {} failed: {}. The alert keeps the built-in explanation; further"
                    + " failures are counted in interpreter.llm.failures without a log line.", config.endpoint, reason);
        }
        return Explanation.newBuilder(baseExplanation)
                .setEnrichmentFailed(true)
                .setFailureReason(FAILURE_PREFIX + reason)
                .build();
    }

    /** Keeps the base interpreter's {@code +runbooks} mark, so the references' origin stays visible. */
    private static String suffixOf(Explanation baseExplanation) {
        String baseName = baseExplanation.getInterpreter();
        int plus = baseName.indexOf('+');
        return plus < 0 ? "" : baseName.substring(plus);
    }

    private static Throwable cause(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Stops the scheduler, the HTTP client's threads and the base interpreter. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            client.close();
        } finally {
            base.close();
        }
    }
}
