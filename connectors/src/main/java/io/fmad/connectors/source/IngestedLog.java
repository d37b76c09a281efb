package io.fmad.connectors.source;

import java.util.Objects;

import io.fmad.avro.DeadLetter;
import io.fmad.avro.LogEvent;

/**
 * One record read from the logs topic: either a valid {@link LogEvent} or the {@link DeadLetter}
 * describing why the record was rejected. Exactly one of the two fields is non-null for instances
 * built with {@link #of} or {@link #rejected}.
 *
 * <p>A Flink POJO (public no-arg constructor and public fields), so Flink serializes it without
 * Kryo and the Avro fields with Flink's Avro serializer.
 */
public class IngestedLog {

    /** The valid event, or null when the record was rejected. */
    public LogEvent event;

    /** The rejection, or null when the record was valid. */
    public DeadLetter deadLetter;

    /** For Flink's POJO serializer only; use {@link #of} or {@link #rejected}. */
    public IngestedLog() {}

    /** Wraps a valid event. */
    public static IngestedLog of(LogEvent event) {
        IngestedLog result = new IngestedLog();
        result.event = Objects.requireNonNull(event, "event must not be null");
        return result;
    }

    /** Wraps a rejected record. */
    public static IngestedLog rejected(DeadLetter deadLetter) {
        IngestedLog result = new IngestedLog();
        result.deadLetter = Objects.requireNonNull(deadLetter, "deadLetter must not be null");
        return result;
    }

    /** Returns true when this carries a valid event rather than a dead letter. */
    public boolean isValid() {
        return event != null;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof IngestedLog)) {
            return false;
        }
        IngestedLog that = (IngestedLog) other;
        return Objects.equals(event, that.event) && Objects.equals(deadLetter, that.deadLetter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, deadLetter);
    }

    @Override
    public String toString() {
        return isValid() ? "IngestedLog{event=" + event + "}" : "IngestedLog{deadLetter=" + deadLetter + "}";
    }
}
