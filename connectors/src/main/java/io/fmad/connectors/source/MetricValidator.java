package io.fmad.connectors.source;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.fmad.avro.MetricEvent;

/**
 * Checks that a decoded {@link MetricEvent} can be scored: a non-blank key, at least one value,
 * only finite values, tags of at most {@value #MAX_TAGS_CHARS} characters in total, and a timestamp
 * between the Unix epoch and processing time plus {@code maxFutureSkew}.
 *
 * <p>The clock is injectable so tests can fix processing time. It must be serializable, because
 * the validator travels inside Flink functions; the clocks from {@link Clock#systemUTC()}, {@link
 * Clock#fixed} and {@link Clock#offset} are.
 */
public final class MetricValidator implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default tolerance for event timestamps ahead of processing time (clock skew of producers). */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    /**
     * Maximum total length of an event's tag names and values, in UTF-16 chars. Tags are not
     * scored, but each pending event keeps them in keyed state until the watermark passes it, so
     * one producer that packs megabytes into tags would inflate state and checkpoints.
     */
    public static final int MAX_TAGS_CHARS = 65_536;

    private final Duration maxFutureSkew;

    @SuppressWarnings("serial") // checked to be Serializable in the constructor
    private final Clock clock;

    /** Creates a validator that reads processing time from {@link Clock#systemUTC()}. */
    public MetricValidator(Duration maxFutureSkew) {
        this(maxFutureSkew, Clock.systemUTC());
    }

    /**
     * Creates a validator with an explicit processing-time clock.
     *
     * @throws IllegalArgumentException if {@code maxFutureSkew} is negative or {@code clock} is
     *     not serializable
     */
    public MetricValidator(Duration maxFutureSkew, Clock clock) {
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

    /** Returns the maximum distance an event timestamp may lie ahead of processing time. */
    public Duration maxFutureSkew() {
        return maxFutureSkew;
    }

    /** Returns the processing-time clock, also used to stamp dead letters. */
    public Clock clock() {
        return clock;
    }

    /** Returns the first problem found in {@code event}, or empty when it is valid. */
    public Optional<Rejection> validate(MetricEvent event) {
        Objects.requireNonNull(event, "event must not be null");

        String key = event.getKey();
        if (key == null || key.isBlank()) {
            return reject(RejectReason.MISSING_KEY, "key is " + (key == null ? "null" : "blank: '" + key + "'"));
        }

        Map<String, Double> values = event.getValues();
        if (values == null || values.isEmpty()) {
            return reject(RejectReason.NO_VALUES, "event for key '" + key + "' has no values");
        }
        for (Map.Entry<String, Double> entry : values.entrySet()) {
            Double value = entry.getValue();
            if (value == null || !Double.isFinite(value)) {
                return reject(
                        RejectReason.NON_FINITE_VALUE,
                        "value '" + entry.getKey() + "' of key '" + key + "' is " + value
                                + ", expected a finite number");
            }
        }

        long tagChars = tagChars(event.getTags());
        if (tagChars > MAX_TAGS_CHARS) {
            return reject(
                    RejectReason.TAGS_TOO_LARGE,
                    "tags of key '" + key + "' have " + tagChars + " characters in names and values,"
                            + " more than the limit of " + MAX_TAGS_CHARS);
        }

        return EventTimestamps.check(event.getTimestamp(), key, clock, maxFutureSkew);
    }

    private static long tagChars(Map<String, String> tags) {
        long total = 0;
        if (tags != null) {
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                total += tag.getKey().length();
                total += tag.getValue() == null ? 0 : tag.getValue().length();
            }
        }
        return total;
    }

    private static Optional<Rejection> reject(RejectReason reason, String message) {
        return Optional.of(new Rejection(reason, message));
    }
}
