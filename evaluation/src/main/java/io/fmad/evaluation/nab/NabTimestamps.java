package io.fmad.evaluation.nab;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Parses and formats NAB timestamps: {@code yyyy-MM-dd HH:mm:ss} in data and result files, with an
 * optional fraction ({@code .ffffff}) in the label files. NAB timestamps carry no time zone.
 */
public final class NabTimestamps {

    private static final DateTimeFormatter ROW_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final int SECONDS_LENGTH = "yyyy-MM-dd HH:mm:ss".length();

    private NabTimestamps() {}

    /**
     * Parses a timestamp. This is a fixed-position parser because result files hold millions of rows
     * and {@link DateTimeFormatter} parsing costs about a microsecond per call.
     *
     * @throws IllegalArgumentException if {@code text} is not {@code yyyy-MM-dd HH:mm:ss} with an optional
     *     fraction of up to nine digits, or names an invalid date or time
     */
    public static LocalDateTime parse(CharSequence text) {
        int length = text.length();
        if (length < SECONDS_LENGTH
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || text.charAt(10) != ' '
                || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            throw invalid(text);
        }
        int nanos = 0;
        if (length > SECONDS_LENGTH) {
            int digits = length - SECONDS_LENGTH - 1;
            if (text.charAt(SECONDS_LENGTH) != '.' || digits < 1 || digits > 9) {
                throw invalid(text);
            }
            nanos = digits(text, SECONDS_LENGTH + 1, length);
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        }
        try {
            return LocalDateTime.of(
                    digits(text, 0, 4),
                    digits(text, 5, 7),
                    digits(text, 8, 10),
                    digits(text, 11, 13),
                    digits(text, 14, 16),
                    digits(text, 17, 19),
                    nanos);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("Invalid NAB timestamp '" + text + "': " + e.getMessage(), e);
        }
    }

    /** Formats a timestamp as NAB's data files do, {@code yyyy-MM-dd HH:mm:ss}, dropping any fraction. */
    public static String format(LocalDateTime timestamp) {
        return ROW_FORMAT.format(timestamp);
    }

    private static int digits(CharSequence text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(text);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static IllegalArgumentException invalid(CharSequence text) {
        return new IllegalArgumentException(
                "Invalid NAB timestamp '" + text + "': expected yyyy-MM-dd HH:mm:ss with an optional fraction");
    }
}
