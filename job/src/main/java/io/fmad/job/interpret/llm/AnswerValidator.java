package io.fmad.job.interpret.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.Iterator;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates an LLM's reply against the answer structure: one JSON object with a non-blank
 * {@code summary} and optional {@code likelyCause} and {@code nextStep}, each a string of at most
 * {@value #MAX_FIELD_LENGTH} characters, and no other field. A reply that sets anything else, such
 * as {@code severity}, is discarded whole: a model that tries to change the alert is not trusted for
 * the rest of its answer either.
 *
 * <p>One Markdown code fence around the object is removed first, because local models often add
 * one even when asked for JSON. Control characters other than line breaks and tabs are removed
 * from the accepted text. Thread-safe.
 */
public final class AnswerValidator {

    /** Longest accepted field, in characters. Longer fields suggest a runaway answer. */
    public static final int MAX_FIELD_LENGTH = 1000;

    static final String SUMMARY = "summary";
    static final String LIKELY_CAUSE = "likelyCause";
    static final String NEXT_STEP = "nextStep";
    private static final Set<String> FIELDS = Set.of(SUMMARY, LIKELY_CAUSE, NEXT_STEP);

    private static final Pattern CODE_FENCE =
            Pattern.compile("\\A```[A-Za-z]*\\s*\\R(.*)\\R\\s*```\\z", Pattern.DOTALL);
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\\n\\t]]");

    private static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                    .build();

    /**
     * Returns the validated answer in {@code reply}.
     *
     * @throws InvalidAnswerException with the reason code: {@code empty}, {@code not-json},
     *     {@code not-object}, {@code unexpected-field}, {@code missing-summary}, {@code wrong-type}
     *     or {@code too-long}
     */
    public LlmAnswer validate(String reply) throws InvalidAnswerException {
        if (reply == null || reply.isBlank()) {
            throw new InvalidAnswerException("empty", "the answer is empty");
        }
        String text = reply.strip();
        Matcher fence = CODE_FENCE.matcher(text);
        if (fence.matches()) {
            text = fence.group(1).strip();
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidAnswerException("not-json", "the answer is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidAnswerException("not-object", "the answer is not a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidAnswerException(
                        "unexpected-field",
                        "the answer sets '" + printable(name) + "', but only summary, likelyCause and nextStep are allowed");
            }
        }
        String summary = text(root, SUMMARY);
        if (summary == null || summary.isBlank()) {
            throw new InvalidAnswerException("missing-summary", "the answer has no summary");
        }
        return new LlmAnswer(summary, blankToNull(text(root, LIKELY_CAUSE)), blankToNull(text(root, NEXT_STEP)));
    }

    private static String text(JsonNode root, String field) throws InvalidAnswerException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidAnswerException("wrong-type", "'" + field + "' is not a string");
        }
        String value = CONTROL.matcher(node.textValue()).replaceAll("").strip();
        if (value.length() > MAX_FIELD_LENGTH) {
            throw new InvalidAnswerException(
                    "too-long", "'" + field + "' has " + value.length() + " characters, more than " + MAX_FIELD_LENGTH);
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Shortens a field name from the answer for a message: it is model output, not trusted. */
    private static String printable(String name) {
        String cleaned = CONTROL.matcher(name).replaceAll("?");
        return cleaned.length() <= 40 ? cleaned : cleaned.substring(0, 40) + "...";
    }
}
