package io.fmad.connectors.source;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.fmad.avro.LogEvent;

/**
 * Checks that a decoded {@link LogEvent} can be scored: a non-blank key, a message with at least
 * one non-whitespace character, and a timestamp between the Unix epoch and processing time plus
 * {@code maxFutureSkew}. The level needs no check: the decoder maps every symbol it does not know
 * to {@code UNKNOWN}, the schema's default.
 *
 * <p>The clock must be serializable, as for {@link MetricValidator}, because the validator travels
 * inside Flink functions.
 */
public final class LogValidator implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Duration maxFutureSkew;

    @SuppressWarnings("serial") // checked to be Serializable in the constructor
    private final Clock clock;

    /** Creates a validator that reads processing time from {@link Clock#systemUTC()}. */
    public LogValidator(Duration maxFutureSkew) {
        this(maxFutureSkew, Clock.systemUTC());
    }

    /**
     * Creates a validator with an explicit processing-time clock.
     *
     * @throws IllegalArgumentException if {@code maxFutureSkew} is negative or {@code clock} is
     *     not serializable
     */
    public LogValidator(Duration maxFutureSkew, Clock clock) {
        Objects.requireNonNull(maxFutureSkew, "maxFutureSkew must not be null");
        Objects.requireNonNull(clock, "clock must not be null");
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException(
                    "Invalid maxFutureSkew " + maxFutureSkew + ": must be zero or positive");
        }
        if (!(clock instanceof Serializable)) {
            throw new IllegalArgumentException(
                    "Invalid clock "
                            + clock.getClass().getName()
                            + ": must implement java.io.Serializable to ship with a Flink job");
        }
        this.maxFutureSkew = maxFutureSkew;
        this.clock = clock;
    }

    /** Returns the processing-time clock, also used to stamp dead letters. */
    public Clock clock() {
        return clock;
    }

    /** Returns the first problem found in {@code event}, or empty when it is valid. */
    public Optional<Rejection> validate(LogEvent event) {
        Objects.requireNonNull(event, "event must not be null");

        String key = event.getKey();
        if (key == null || key.isBlank()) {
            return reject(RejectReason.MISSING_KEY, "key is " + (key == null ? "null" : "blank: '" + key + "'"));
        }

        String message = event.getMessage();
        if (message == null || message.isBlank()) {
            return reject(
                    RejectReason.EMPTY_MESSAGE,
                    "message of key '" + key + "' is " + (message == null ? "null" : "empty or blank"));
        }

        return EventTimestamps.check(event.getTimestamp(), key, clock, maxFutureSkew);
    }

    private static Optional<Rejection> reject(RejectReason reason, String message) {
        return Optional.of(new Rejection(reason, message));
    }
}
