package io.fmad.job.interpret.llm;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which failed requests are retried, and after what delay.
 *
 * <p>Retried: timeouts, I/O errors, and HTTP 408 (request timeout), 409 (conflict), 429 (rate
 * limited) and 5xx, the statuses that OpenAI's API documents as transient. Anything else (400,
 * 401, 403, 404, 422, a malformed reply, an answer that fails validation) would fail the same way
 * again. The delay before retry {@code n} (1 for the first retry) is drawn uniformly from
 * {@code [0, min(maxBackoff, backoff * 2^(n-1))]} ("full jitter", which spreads the retries of many
 * subtasks). A {@code Retry-After} delay from the server replaces it, capped at {@code maxBackoff}.
 */
public final class RetryPolicy {

    private final int maxAttempts;
    private final long backoffNanos;
    private final long maxBackoffNanos;

    public RetryPolicy(int maxAttempts, Duration backoff, Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts is " + maxAttempts + ", expected at least 1");
        }
        this.maxAttempts = maxAttempts;
        this.backoffNanos = backoff.toNanos();
        this.maxBackoffNanos = maxBackoff.toNanos();
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Returns whether a reply with this HTTP status is worth another attempt. */
    public static boolean retryableStatus(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /**
     * Returns the delay before retry {@code retry} (1 for the first), in nanoseconds.
     *
     * @param retryAfterNanos the server's {@code Retry-After}, or a negative number when it sent none
     */
    public long delayNanos(int retry, long retryAfterNanos) {
        if (retryAfterNanos >= 0) {
            return Math.min(retryAfterNanos, maxBackoffNanos);
        }
        int doublings = Math.min(retry - 1, 40);
        long ceiling = backoffNanos > (maxBackoffNanos >> doublings) ? maxBackoffNanos : backoffNanos << doublings;
        ceiling = Math.min(ceiling, maxBackoffNanos);
        return ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
    }
}
