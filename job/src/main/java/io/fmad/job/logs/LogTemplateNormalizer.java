package io.fmad.job.logs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a log message into a template by masking its variable parts, so that lines that differ
 * only in ids, numbers, addresses or paths share one template: {@code user 4711 logged in from
 * 10.0.0.7:5522} becomes {@code user <NUM> logged in from <IP>}.
 *
 * <p>Masks are applied in this order, each to the output of the previous one, so a longer
 * construct is masked before the numbers inside it:
 *
 * <ol>
 *   <li>{@value #URL}: a scheme followed by {@code ://} and everything up to whitespace, quotes or
 *       brackets;
 *   <li>{@value #EMAIL}: an e-mail address;
 *   <li>{@value #UUID}: a UUID in the 8-4-4-4-12 hex form;
 *   <li>{@value #TIME}: an ISO 8601 date with an optional time and zone, or a time of day {@code
 *       H:MM:SS} with optional fractions;
 *   <li>{@value #MAC}: a MAC address with {@code :} or {@code -} separators;
 *   <li>{@value #IP}: an IPv4 address with an optional port, or an IPv6 address (full form, or
 *       compressed with {@code ::});
 *   <li>{@value #PATH}: a Unix path of two or more segments, or a Windows path such as {@code
 *       C:\logs\app.log}. A single segment such as {@code /health} is kept, because it usually
 *       names an endpoint rather than a variable value;
 *   <li>{@value #HEX}: a {@code 0x} number, or a standalone run of 4 or more hex digits that
 *       contains both a digit and a letter ({@code 7f3a}, a commit hash);
 *   <li>{@value #ID}: a standalone token of 8 or more letters and digits, with at least 2 digits
 *       and one letter (a session id or a generated name);
 *   <li>{@value #NUM}: any other number, with sign, decimals and exponent, also inside a word
 *       ({@code host42} becomes {@code host<NUM>}).
 * </ol>
 *
 * <p>Then repeats of one placeholder separated only by spaces, commas, semicolons or colons
 * collapse into one, so lists of different lengths share a template, and whitespace runs become
 * one space. Only the first {@value #MAX_MESSAGE_CHARS} characters of a message are read, and a
 * template is at most {@value #MAX_TEMPLATE_CHARS} characters.
 *
 * <p>NOTE: quoted strings and {@code key=value} values without digits (user names, for example)
 * are not masked, so each such value gives its own template. Those templates lie close together
 * in embedding space, which the novelty detector tolerates, but each takes a slot of the key's
 * template memory.
 *
 * <p>Thread-safe and stateless. Every pattern avoids nested quantifiers, so the time per message
 * grows linearly with its length for most inputs and at worst quadratically within the first
 * {@value #MAX_MESSAGE_CHARS} characters.
 */
public final class LogTemplateNormalizer {

    /** Placeholder of a URL. */
    public static final String URL = "<URL>";
    /** Placeholder of an e-mail address. */
    public static final String EMAIL = "<EMAIL>";
    /** Placeholder of a UUID. */
    public static final String UUID = "<UUID>";
    /** Placeholder of a date, a time of day, or both. */
    public static final String TIME = "<TIME>";
    /** Placeholder of a MAC address. */
    public static final String MAC = "<MAC>";
    /** Placeholder of an IPv4 address (with its port, if any) or an IPv6 address. */
    public static final String IP = "<IP>";
    /** Placeholder of a file system path. */
    public static final String PATH = "<PATH>";
    /** Placeholder of a hexadecimal number or id. */
    public static final String HEX = "<HEX>";
    /** Placeholder of a generated token of letters and digits. */
    public static final String ID = "<ID>";
    /** Placeholder of a number. */
    public static final String NUM = "<NUM>";

    /** Characters of a message that are read. The rest is ignored. */
    public static final int MAX_MESSAGE_CHARS = 1024;

    /** Maximum length of a template. Longer templates are cut. */
    public static final int MAX_TEMPLATE_CHARS = 1024;

    private static final String HEX_DIGIT = "[0-9a-fA-F]";
    private static final String IPV6_GROUP = HEX_DIGIT + "{1,4}";

    private static final Pattern URL_PATTERN =
            Pattern.compile("\\b[A-Za-z][A-Za-z0-9+.-]*://[^\\s\"'<>()\\[\\]{}]+");
    private static final Pattern EMAIL_PATTERN =
            Pattern.compile("\\b[\\w.%+-]++@[\\w-]+(?:\\.[\\w-]+)+");
    private static final Pattern UUID_PATTERN =
            Pattern.compile("\\b" + HEX_DIGIT + "{8}-" + HEX_DIGIT + "{4}-" + HEX_DIGIT + "{4}-"
                    + HEX_DIGIT + "{4}-" + HEX_DIGIT + "{12}\\b");
    private static final Pattern DATE_TIME_PATTERN =
            Pattern.compile("\\b\\d{4}-\\d{2}-\\d{2}"
                    + "(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?(?![\\w:])");
    private static final Pattern TIME_OF_DAY_PATTERN =
            Pattern.compile("(?<![\\w:.])\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?![\\w:])");
    private static final Pattern MAC_PATTERN =
            Pattern.compile("(?<![\\w:-])" + HEX_DIGIT + "{2}(?:[:-]" + HEX_DIGIT + "{2}){5}(?![\\w:-])");
    private static final Pattern IPV4_PATTERN =
            Pattern.compile("(?<![\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?(?!\\w|\\.\\d)");
    private static final Pattern IPV6_PATTERN =
            Pattern.compile("(?<![\\w:.])(?:"
                    + IPV6_GROUP + "(?::" + IPV6_GROUP + "){7}"
                    + "|(?=[:0-9a-fA-F]*" + HEX_DIGIT + ")"
                    + "(?:" + IPV6_GROUP + "(?::" + IPV6_GROUP + "){0,6})?::"
                    + "(?:" + IPV6_GROUP + "(?::" + IPV6_GROUP + "){0,6})?"
                    + ")(?![\\w:])");
    private static final Pattern UNIX_PATH_PATTERN =
            Pattern.compile("(?<![\\w.:/~-])(?:~|\\.{1,2})?(?:/[\\w.@%+~=-]+){2,}/?");
    private static final Pattern WINDOWS_PATH_PATTERN =
            Pattern.compile("\\b[A-Za-z]:\\\\[^\\s\"'<>|]*");
    private static final Pattern HEX_PATTERN =
            Pattern.compile("\\b0[xX]" + HEX_DIGIT + "+\\b"
                    + "|(?<![A-Za-z0-9])(?=" + HEX_DIGIT + "*\\d)(?=" + HEX_DIGIT + "*[a-fA-F])"
                    + HEX_DIGIT + "{4,}(?![A-Za-z0-9])");
    private static final Pattern ID_PATTERN =
            Pattern.compile("(?<![A-Za-z0-9])(?=(?:[A-Za-z]*\\d){2})(?=\\d*[A-Za-z])[A-Za-z0-9]{8,}(?![A-Za-z0-9])");
    private static final Pattern NUMBER_PATTERN =
            Pattern.compile("(?:(?<![\\w.])[-+])?\\d+(?:[.,]\\d+)*(?:[eE][-+]?\\d+)?");
    private static final Pattern REPEATED_PLACEHOLDER_PATTERN =
            Pattern.compile("(<[A-Z]+>)(?:[\\s,;:]+\\1)+");
    private static final Pattern WHITESPACE_PATTERN = Pattern.compile("\\s+");

    private LogTemplateNormalizer() {}

    /**
     * Returns the template of {@code message}, masked as the class comment describes.
     *
     * @throws NullPointerException if {@code message} is null
     */
    public static String normalize(String message) {
        String text = message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) : message;

        // Each check below skips a pattern that cannot match, which keeps plain text cheap.
        if (text.contains("://")) {
            text = replace(URL_PATTERN, text, URL);
        }
        if (text.indexOf('@') >= 0) {
            text = replace(EMAIL_PATTERN, text, EMAIL);
        }
        boolean hasDigit = containsDigit(text);
        if (hasDigit && text.indexOf('-') >= 0) {
            text = replace(UUID_PATTERN, text, UUID);
            text = replace(DATE_TIME_PATTERN, text, TIME);
        }
        if (hasDigit && text.indexOf(':') >= 0) {
            text = replace(TIME_OF_DAY_PATTERN, text, TIME);
        }
        if (text.indexOf(':') >= 0 || text.indexOf('-') >= 0) {
            text = replace(MAC_PATTERN, text, MAC);
        }
        if (hasDigit && text.indexOf('.') >= 0) {
            text = replace(IPV4_PATTERN, text, IP);
        }
        if (text.indexOf(':') >= 0) {
            text = replace(IPV6_PATTERN, text, IP);
        }
        if (text.indexOf('/') >= 0) {
            text = replace(UNIX_PATH_PATTERN, text, PATH);
        }
        if (text.indexOf('\\') >= 0) {
            text = replace(WINDOWS_PATH_PATTERN, text, PATH);
        }
        if (containsDigit(text)) {
            text = replace(HEX_PATTERN, text, HEX);
            text = replace(ID_PATTERN, text, ID);
            text = replace(NUMBER_PATTERN, text, NUM);
        }

        if (text.indexOf('<') >= 0) {
            text = REPEATED_PLACEHOLDER_PATTERN.matcher(text).replaceAll("$1");
        }
        text = WHITESPACE_PATTERN.matcher(text).replaceAll(" ").strip();
        return text.length() > MAX_TEMPLATE_CHARS ? text.substring(0, MAX_TEMPLATE_CHARS) : text;
    }

    private static String replace(Pattern pattern, String text, String placeholder) {
        return pattern.matcher(text).replaceAll(Matcher.quoteReplacement(placeholder));
    }

    private static boolean containsDigit(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                return true;
            }
        }
        return false;
    }
}
