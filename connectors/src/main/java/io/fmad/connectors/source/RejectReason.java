package io.fmad.connectors.source;

/**
 * Cause of sending an input record to the dead-letter output. The constant's name is written to
 * {@code DeadLetter.reason} and is the counter name in the metric group {@code deadLetters}.
 * {@link #NO_VALUES}, {@link #NON_FINITE_VALUE} and {@link #TAGS_TOO_LARGE} apply to metric events
 * only, {@link #EMPTY_MESSAGE} to log events only.
 */
public enum RejectReason {
    /** The record value is null (a tombstone) or empty. */
    NULL_VALUE,
    /** The value does not start with the Avro single-object marker {@code C3 01}. */
    NOT_AVRO,
    /** The writer schema fingerprint belongs to no schema shipped with the job. */
    UNKNOWN_SCHEMA,
    /** The Avro body is truncated or cannot be decoded with the writer schema. */
    MALFORMED,
    /** The event key is null, empty or blank. */
    MISSING_KEY,
    /** The event has no values. */
    NO_VALUES,
    /** The log message is empty or contains only whitespace. */
    EMPTY_MESSAGE,
    /** A value is NaN or infinite. */
    NON_FINITE_VALUE,
    /** The event timestamp is before the Unix epoch. */
    TIMESTAMP_BEFORE_EPOCH,
    /** The event timestamp is further ahead of processing time than the allowed skew. */
    TIMESTAMP_IN_FUTURE,
    /** The tags of a metric event exceed {@link MetricValidator#MAX_TAGS_CHARS} characters in total. */
    TAGS_TOO_LARGE
}
