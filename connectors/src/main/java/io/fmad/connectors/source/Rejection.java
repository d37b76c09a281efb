package io.fmad.connectors.source;

import java.io.Serializable;
import java.util.Objects;

/**
 * The reason and a readable description for rejecting one input record.
 *
 * @param reason machine-readable cause
 * @param message what was wrong, naming the offending value
 */
public record Rejection(RejectReason reason, String message) implements Serializable {

    public Rejection {
        Objects.requireNonNull(reason, "reason must not be null");
        Objects.requireNonNull(message, "message must not be null");
    }
}
