package io.fmad.evaluation.report;

import java.util.Locale;

/** HTML escaping and the number formats that the report's tables use. */
final class Html {

    private Html() {
    }

    /** Escapes text for use in element content and in double- or single-quoted attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Formats a number with a fixed count of decimals, or {@code n/a} when it is not finite. */
    static String fixed(double value, int decimals) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** Returns a number for a {@code data-sort} attribute. Non-finite numbers sort below every other. */
    static String sortKey(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "-1e308";
    }
}
