package io.fmad.job.interpret;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Explanation;

import org.apache.flink.metrics.MetricGroup;

import java.util.concurrent.CompletableFuture;

/**
 * Explains an alert. Implementations may call remote services; they must not block the calling
 * thread and must not modify the alert.
 */
public interface Interpreter extends AutoCloseable {

    /** Name written into {@link Explanation#getInterpreter()}. */
    String name();

    /** Starts explaining {@code alert}; the future fails if no explanation can be made. */
    CompletableFuture<Explanation> explain(AnomalyAlert alert);

    /**
     * Registers this interpreter's own metrics under {@code group} (the operator's
     * {@code interpreter} group). Called once, after creation and before the first alert.
     */
    default void registerMetrics(MetricGroup group) {}

    @Override
    default void close() {}
}
