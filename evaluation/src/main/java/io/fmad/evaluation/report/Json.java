package io.fmad.evaluation.report;

import java.math.BigDecimal;
import java.math.MathContext;

/** Appends JSON literals to a {@link StringBuilder}, in the compact forms that keep the embedded plot data small. */
final class Json {

    /** Significant digits kept of a series value: well below one pixel of any plot height. */
    private static final MathContext VALUE_PRECISION = new MathContext(6);

    /** Scale that rounds scores, which lie in [0, 1], to four decimals. */
    private static final double SCORE_SCALE = 1e4;

    private Json() {
    }

    /**
     * Appends a JSON string. Besides what JSON requires, it escapes {@code <}, {@code >} and {@code &}, so the
     * result can sit inside an HTML {@code <script>} element without closing it.
     */
    static void string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /** Appends a number with six significant digits, or {@code null} when it is not finite. */
    static void value(StringBuilder out, double value) {
        if (!Double.isFinite(value)) {
            out.append("null");
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(new BigDecimal(value).round(VALUE_PRECISION).stripTrailingZeros());
        }
    }

    /** Appends a score rounded to four decimals, or {@code null} when it is not finite. */
    static void score(StringBuilder out, double score) {
        if (!Double.isFinite(score)) {
            out.append("null");
            return;
        }
        long scaled = Math.round(score * SCORE_SCALE);
        if (scaled % (long) SCORE_SCALE == 0) {
            out.append(scaled / (long) SCORE_SCALE);
        } else {
            out.append(scaled / SCORE_SCALE);
        }
    }

    static void values(StringBuilder out, double[] values) {
        out.append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            value(out, values[i]);
        }
        out.append(']');
    }

    static void scores(StringBuilder out, double[] scores) {
        out.append('[');
        for (int i = 0; i < scores.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            score(out, scores[i]);
        }
        out.append(']');
    }

    static void longs(StringBuilder out, long[] values) {
        out.append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(values[i]);
        }
        out.append(']');
    }
}
