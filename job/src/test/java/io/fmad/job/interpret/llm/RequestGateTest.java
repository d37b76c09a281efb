package io.fmad.job.interpret.llm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

class RequestGateTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    @Test
    void acquire_waitsForFreeSlot() throws Exception {
        RequestGate gate = new RequestGate(1, 1000, scheduler, System::nanoTime);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);

        CompletableFuture<Void> first = gate.acquire(deadline);
        first.get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> second = gate.acquire(deadline);

        assertThat(second).isNotDone();
        gate.release();
        second.get(5, TimeUnit.SECONDS);
        assertThat(gate.inFlight()).isEqualTo(1);
    }

    @Test
    void acquire_failsWhenNoSlotFreesBeforeDeadline() throws Exception {
        RequestGate gate = new RequestGate(1, 1000, scheduler, System::nanoTime);
        gate.acquire(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)).get(5, TimeUnit.SECONDS);

        CompletableFuture<Void> second = gate.acquire(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));

        assertThat(cause(second)).isInstanceOf(RequestGate.GateClosedException.class)
                .hasMessageContaining("max-concurrency");
        gate.release();
        assertThat(gate.inFlight()).isZero();
    }

    @Test
    void acquire_spacesRequestsByRate() throws Exception {
        // One token a second, and a bucket of one: the second request waits for the next token.
        RequestGate gate = new RequestGate(10, 1.0, scheduler, System::nanoTime);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);

        gate.acquire(deadline).get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> second = gate.acquire(deadline);
        CompletableFuture<Void> third = gate.acquire(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));

        assertThat(cause(third)).hasMessageContaining("rate-limit");
        second.get(5, TimeUnit.SECONDS);
    }

    private static Throwable cause(CompletableFuture<Void> future) throws Exception {
        try {
            future.get(5, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
