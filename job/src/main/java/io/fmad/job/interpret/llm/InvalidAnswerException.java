package io.fmad.job.interpret.llm;

/**
 * An LLM answer that failed validation and was discarded. {@link #reason()} is a short fixed code,
 * fit for a metric name; the message states what was wrong without quoting the answer's text.
 */
public final class InvalidAnswerException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    InvalidAnswerException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** Returns the reason code, for example {@code unexpected-field} or {@code not-json}. */
    public String reason() {
        return reason;
    }
}
