package io.fmad.connectors.tools;

/** Invalid command-line arguments; the tools print the message with their usage and exit with 2. */
public final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
