package io.fmad.job.interpret;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Explanation;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Fills in each alert's explanation through an {@link Interpreter}, with Flink Async I/O.
 *
 * <p>An alert always leaves this operator. When the interpreter fails or the request times out,
 * the alert carries the {@link BuiltInExplainer}'s explanation with {@code enrichmentFailed} set
 * and the reason; the job never fails or stalls because of the interpreter. Only the explanation
 * is changed; key, score, severity and ids pass through as they came.
 *
 * <p>Metrics, in the operator's {@code interpreter} group: {@code calls} (alerts in),
 * {@code failures} (alerts that left flagged as failed, timeouts included), {@code timeouts} (alerts
 * that Flink's timeout completed) and {@code latencyMs} (time from arrival to explanation, a
 * histogram over the last 1000 alerts). The interpreter adds its own ({@link
 * Interpreter#registerMetrics}).
 */
public class AsyncInterpreterFunction extends RichAsyncFunction<AnomalyAlert, AnomalyAlert> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AsyncInterpreterFunction.class);

    private final InterpreterFactory factory;

    private transient Interpreter interpreter;
    private transient BuiltInExplainer fallback;
    private transient Counter calls;
    private transient Counter failures;
    private transient Counter timeouts;
    private transient Histogram latency;
    private transient boolean failureWarned;

    public AsyncInterpreterFunction(InterpreterFactory factory) {
        this.factory = factory;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        interpreter = factory.create();
        fallback = new BuiltInExplainer();
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("interpreter");
        calls = metrics.counter("calls");
        failures = metrics.counter("failures");
        timeouts = metrics.counter("timeouts");
        latency = metrics.histogram("latencyMs", new DescriptiveStatisticsHistogram(1000));
        interpreter.registerMetrics(metrics);
        LOG.info("Interpreter '{}' opened", interpreter.name());
    }

    @Override
    public void close() throws Exception {
        if (interpreter != null) {
            interpreter.close();
        }
    }

    @Override
    public void asyncInvoke(AnomalyAlert alert, ResultFuture<AnomalyAlert> resultFuture) {
        calls.inc();
        long started = System.nanoTime();
        try {
            interpreter
                    .explain(alert)
                    .whenComplete(
                            (explanation, error) -> {
                                latency.update(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                                if (error == null && explanation != null) {
                                    if (explanation.getEnrichmentFailed()) {
                                        // The interpreter fell back by itself, keeping what it could.
                                        failures.inc();
                                    }
                                    resultFuture.complete(Collections.singleton(withExplanation(alert, explanation)));
                                } else {
                                    completeWithFallback(alert, resultFuture, describe(error));
                                }
                            });
        } catch (RuntimeException e) {
            completeWithFallback(alert, resultFuture, describe(e));
        }
    }

    @Override
    public void timeout(AnomalyAlert alert, ResultFuture<AnomalyAlert> resultFuture) {
        timeouts.inc();
        failures.inc();
        LOG.debug("Interpreter timed out on alert {} of key '{}'", alert.getAlertId(), alert.getKey());
        Explanation explanation = failed(alert, "interpreter '" + interpreter.name() + "' timed out");
        resultFuture.complete(Collections.singleton(withExplanation(alert, explanation)));
    }

    private void completeWithFallback(
            AnomalyAlert alert, ResultFuture<AnomalyAlert> resultFuture, String reason) {
        failures.inc();
        if (!failureWarned) {
            failureWarned = true;
            LOG.warn(
                    "Interpreter '{}' failed on alert {} of key '{}': {}. Further failures are"
                            + " counted in interpreter.failures without a log line.",
                    interpreter.name(),
                    alert.getAlertId(),
                    alert.getKey(),
                    reason);
        }
        Explanation explanation = failed(alert, reason);
        resultFuture.complete(Collections.singleton(withExplanation(alert, explanation)));
    }

    private Explanation failed(AnomalyAlert alert, String reason) {
        Explanation explanation = fallback.explainNow(alert);
        explanation.setEnrichmentFailed(true);
        explanation.setFailureReason(reason);
        return explanation;
    }

    private static AnomalyAlert withExplanation(AnomalyAlert alert, Explanation explanation) {
        return AnomalyAlert.newBuilder(alert).setExplanation(explanation).build();
    }

    private static String describe(Throwable error) {
        if (error == null) {
            return "interpreter returned no explanation";
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
