package io.fmad.job.incident;

import java.io.Serializable;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A maintenance window: while it lasts, the keys that match its pattern raise no incident records.
 * Their detectors keep scoring and learning.
 *
 * <p>Written as {@code PATTERN@START/END}, for example {@code
 * db-*@2026-12-05T01:00:00Z/2026-12-05T03:00:00Z}. The pattern is a glob over the whole key, where
 * {@code *} matches any run of characters and {@code ?} one character. Start and end are ISO-8601
 * instants in UTC; the window covers event times from start, inclusive, to end, exclusive.
 *
 * @param pattern the key glob as written
 * @param start the first suppressed event time, in epoch milliseconds
 * @param end the first event time after the window, in epoch milliseconds
 */
public record SuppressionWindow(String pattern, long start, long end) implements Serializable {

    /** The form that {@link #parse} accepts, for messages. */
    public static final String FORMAT = "PATTERN@START/END, such as db-*@2026-12-05T01:00:00Z/2026-12-05T03:00:00Z";

    public SuppressionWindow {
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("the key pattern is empty");
        }
        if (end <= start) {
            throw new IllegalArgumentException("the end is not after the start");
        }
    }

    /**
     * Parses one window.
     *
     * @throws IllegalArgumentException saying what is wrong, without the option's name
     */
    public static SuppressionWindow parse(String text) {
        String trimmed = text.trim();
        int at = trimmed.lastIndexOf('@');
        int slash = trimmed.indexOf('/', Math.max(at, 0));
        if (at <= 0 || slash < 0) {
            throw new IllegalArgumentException("'" + trimmed + "' is not of the form " + FORMAT);
        }
        try {
            long start = Instant.parse(trimmed.substring(at + 1, slash)).toEpochMilli();
            long end = Instant.parse(trimmed.substring(slash + 1)).toEpochMilli();
            return new SuppressionWindow(trimmed.substring(0, at), start, end);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'" + trimmed + "' has a start or end that is not an ISO-8601 instant such as 2026-12-05T01:00:00Z");
        }
    }

    /** Returns whether the window suppresses {@code key} at event time {@code time} (epoch milliseconds). */
    public boolean covers(String key, long time) {
        return time >= start && time < end && globMatches(pattern, key);
    }

    /**
     * Returns whether {@code text} matches the glob {@code pattern} as a whole. Greedy matching
     * that backtracks only to the last {@code *}, so it runs in O(pattern × text) at worst.
     */
    static boolean globMatches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return pattern + "@" + Instant.ofEpochMilli(start) + "/" + Instant.ofEpochMilli(end);
    }
}
