package io.fmad.job.interpret.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnswerValidatorTest {

    private final AnswerValidator validator = new AnswerValidator();

    @Test
    void validate_acceptsAllFields() throws Exception {
        LlmAnswer answer = validator.validate(
                "{\"summary\":\"Disk filled up.\",\"likelyCause\":\"Log rotation stopped.\",\"nextStep\":\"Free space.\"}");

        assertThat(answer).isEqualTo(new LlmAnswer("Disk filled up.", "Log rotation stopped.", "Free space."));
    }

    @Test
    void validate_acceptsNullAndMissingOptionalFields() throws Exception {
        assertThat(validator.validate("{\"summary\":\"S\",\"likelyCause\":null}"))
                .isEqualTo(new LlmAnswer("S", null, null));
        assertThat(validator.validate("{\"summary\":\"S\",\"nextStep\":\"  \"}"))
                .isEqualTo(new LlmAnswer("S", null, null));
    }

    @Test
    void validate_removesOneCodeFence() throws Exception {
        assertThat(validator.validate("```json\n{\"summary\":\"S\"}\n```").summary()).isEqualTo("S");
        assertThat(validator.validate("```\n{\"summary\":\"S\"}\n```").summary()).isEqualTo("S");
    }

    @Test
    void validate_stripsControlCharacters() throws Exception {
        assertThat(validator.validate("{\"summary\":\"a\\u0007b\\nc\\u001b[31m\"}").summary()).isEqualTo("ab\nc[31m");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "' '|empty",
                "The disk is full.|not-json",
                "{\"summary\":\"S\"} trailing|not-json",
                "{\"summary\":\"S\",\"summary\":\"T\"}|not-json",
                "[\"S\"]|not-object",
                "{\"summary\":\"S\",\"severity\":\"LOW\"}|unexpected-field",
                "{\"summary\":\"S\",\"score\":0.1}|unexpected-field",
                "{\"likelyCause\":\"C\"}|missing-summary",
                "{\"summary\":\"\"}|missing-summary",
                "{\"summary\":42}|wrong-type",
                "{\"summary\":\"S\",\"nextStep\":[\"a\"]}|wrong-type",
            })
    void validate_rejects(String reply, String reason) {
        assertThatThrownBy(() -> validator.validate(reply))
                .isInstanceOfSatisfying(InvalidAnswerException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void validate_rejectsOverlongField() {
        String reply = "{\"summary\":\"" + "x".repeat(AnswerValidator.MAX_FIELD_LENGTH + 1) + "\"}";

        assertThatThrownBy(() -> validator.validate(reply))
                .isInstanceOfSatisfying(InvalidAnswerException.class, e -> assertThat(e.reason()).isEqualTo("too-long"));
    }
}
