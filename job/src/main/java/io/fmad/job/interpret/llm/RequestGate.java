package io.fmad.job.interpret.llm;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Admits requests to the LLM endpoint: at most {@code maxConcurrency} in flight, and no more than
 * {@code ratePerSecond} started per second on average (a token bucket that holds up to one second's
 * worth, at least one token). Nothing blocks: {@link #acquire} returns a future that completes
 * when the request may start, or fails with {@link GateClosedException} when that would be after
 * the caller's deadline. Waiting requests are served in arrival order. Thread-safe.
 */
final class RequestGate {

    /** A request that may not start before its deadline. */
    static final class GateClosedException extends Exception {
        private static final long serialVersionUID = 1L;

        GateClosedException(String message) {
            super(message, null, false, false);
        }
    }

    private final int maxConcurrency;
    private final double tokensPerNano;
    private final double capacity;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;

    private final Deque<Waiter> waiters = new ArrayDeque<>();
    private int inFlight;
    private double tokens;
    private long refilledAt;
    private boolean wakeUpScheduled;

    private static final class Waiter {
        final CompletableFuture<Void> admitted = new CompletableFuture<>();
        final long deadlineNanos;

        Waiter(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }
    }

    RequestGate(int maxConcurrency, double ratePerSecond, ScheduledExecutorService scheduler, LongSupplier clock) {
        this.maxConcurrency = maxConcurrency;
        this.tokensPerNano = ratePerSecond / 1e9;
        this.capacity = Math.max(1.0, ratePerSecond);
        this.scheduler = scheduler;
        this.clock = clock;
        this.tokens = capacity;
        this.refilledAt = clock.getAsLong();
    }

    /**
     * Returns a future that completes when a request may start; the caller must then call
     * {@link #release()} once the request ends. The future fails with {@link GateClosedException}
     * when no slot frees up before {@code deadlineNanos} (on the gate's clock).
     */
    CompletableFuture<Void> acquire(long deadlineNanos) {
        Waiter waiter = new Waiter(deadlineNanos);
        synchronized (this) {
            waiters.addLast(waiter);
            admit();
        }
        long wait = deadlineNanos - clock.getAsLong();
        if (!waiter.admitted.isDone()) {
            scheduler.schedule(() -> expire(waiter), Math.max(0, wait), TimeUnit.NANOSECONDS);
        }
        return waiter.admitted;
    }

    /** Frees the slot of a request that ended. */
    void release() {
        synchronized (this) {
            inFlight--;
            admit();
        }
    }

    synchronized int inFlight() {
        return inFlight;
    }

    private void expire(Waiter waiter) {
        boolean removed;
        synchronized (this) {
            removed = waiters.remove(waiter);
        }
        if (removed) {
            waiter.admitted.completeExceptionally(
                    new GateClosedException(
                            inFlightAtCapacity()
                                    ? "all interpreter.llm.max-concurrency request slots stayed busy until the deadline"
                                    : "interpreter.llm.rate-limit allowed no request before the deadline"));
        }
    }

    private synchronized boolean inFlightAtCapacity() {
        return inFlight >= maxConcurrency;
    }

    /** Admits waiters in order while slots and tokens last; must hold the lock. */
    private void admit() {
        refill();
        while (!waiters.isEmpty() && inFlight < maxConcurrency) {
            if (tokens < 1.0) {
                scheduleWakeUp((long) Math.ceil((1.0 - tokens) / tokensPerNano));
                return;
            }
            Waiter next = waiters.pollFirst();
            tokens -= 1.0;
            inFlight++;
            // Completing runs the caller's continuation; do it outside the lock.
            scheduler.execute(() -> next.admitted.complete(null));
        }
    }

    private void refill() {
        long now = clock.getAsLong();
        tokens = Math.min(capacity, tokens + (now - refilledAt) * tokensPerNano);
        refilledAt = now;
    }

    private void scheduleWakeUp(long delayNanos) {
        if (wakeUpScheduled) {
            return;
        }
        wakeUpScheduled = true;
        scheduler.schedule(
                () -> {
                    synchronized (this) {
                        wakeUpScheduled = false;
                        admit();
                    }
                },
                delayNanos,
                TimeUnit.NANOSECONDS);
    }
}
