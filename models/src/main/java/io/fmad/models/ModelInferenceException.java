package io.fmad.models;

/**
 * Raised when the engine fails to run a batch or returns outputs of an unexpected shape. Invalid
 * caller input raises {@link IllegalArgumentException} instead.
 */
public class ModelInferenceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ModelInferenceException(String message) {
        super(message);
    }

    public ModelInferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
