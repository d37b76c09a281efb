package io.fmad.connectors.source;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The event-time checks that metric and log events share. */
final class EventTimestamps {

    private EventTimestamps() {}

    /**
     * Returns the problem with an event's timestamp, or empty when it lies between the Unix epoch
     * and processing time plus {@code maxFutureSkew}.
     *
     * @param key the event's key, named in the message
     */
    static Optional<Rejection> check(Instant timestamp, String key, Clock clock, Duration maxFutureSkew) {
        if (timestamp == null) {
            // Cannot come out of the decoder, because the field is required; only hand-built events.
            return Optional.of(new Rejection(RejectReason.MALFORMED, "timestamp of key '" + key + "' is null"));
        }
        if (timestamp.isBefore(Instant.EPOCH)) {
            return Optional.of(new Rejection(
                    RejectReason.TIMESTAMP_BEFORE_EPOCH,
                    "timestamp " + timestamp.toEpochMilli() + " ms (" + timestamp + ") of key '"
                            + key + "' is before the Unix epoch"));
        }
        Instant now = clock.instant();
        if (timestamp.isAfter(now.plus(maxFutureSkew))) {
            return Optional.of(new Rejection(
                    RejectReason.TIMESTAMP_IN_FUTURE,
                    "timestamp " + timestamp + " of key '" + key + "' is more than "
                            + maxFutureSkew + " ahead of processing time " + now));
        }
        return Optional.empty();
    }
}
