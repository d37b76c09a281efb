package io.fmad.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

class LlmConfigTest {

    private static final String SECRET = "sk-do-not-print-0123456789";

    @Test
    void defaults_llmOff() {
        LlmConfig llm = FmadConfig.defaults().llm;

        assertThat(llm.enabled()).isFalse();
        assertThat(llm.apiKeyVariable).isEqualTo("FMAD_LLM_API_KEY");
        assertThat(llm.maxAttempts).isEqualTo(3);
        assertThat(llm.responseFormat).isEqualTo(LlmOptions.ResponseFormat.JSON_SCHEMA);
    }

    @Test
    void endpoint_trailingSlashRemoved() {
        LlmConfig llm = FmadConfig.from(Map.of(
                "interpreter.llm.endpoint", "http://127.0.0.1:11434/v1/",
                "interpreter.llm.model", "llama3.1:8b",
                "interpreter.llm.request-timeout", "30 s")).llm;

        assertThat(llm.enabled()).isTrue();
        assertThat(llm.endpoint).isEqualTo("http://127.0.0.1:11434/v1");
        assertThat(llm.requestTimeout).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void apiKey_fromOptionIsHiddenInToString() {
        LlmConfig llm = FmadConfig.from(withEndpoint(Map.of("interpreter.llm.api-key", SECRET))).llm;

        assertThat(llm.resolveApiKey()).isEqualTo(SECRET);
        assertThat(llm.toString()).doesNotContain(SECRET).contains("(hidden)");
    }

    @Test
    void apiKey_fromUnsetVariableIsNull() {
        LlmConfig llm = FmadConfig.from(withEndpoint(Map.of(
                "interpreter.llm.api-key-env", "FMAD_TEST_VARIABLE_THAT_IS_NOT_SET"))).llm;

        assertThat(llm.resolveApiKey()).isNull();
    }

    @Test
    void invalidApiKey_messageHidesValue() {
        assertThatThrownBy(() -> FmadConfig.from(withEndpoint(Map.of("interpreter.llm.api-key", SECRET + " x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'interpreter.llm.api-key'")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void endpointWithUserInfo_messageHidesValue() {
        assertThatThrownBy(() -> FmadConfig.from(Map.of(
                        "interpreter.llm.endpoint", "https://user:" + SECRET + "@llm.example/v1",
                        "interpreter.llm.model", "m")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'interpreter.llm.endpoint'")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void missingModel_namedAsMissing() {
        assertThatThrownBy(() -> FmadConfig.from(Map.of("interpreter.llm.endpoint", "http://127.0.0.1:11434/v1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Missing option 'interpreter.llm.model'");
    }

    @Test
    void modelWithoutEndpoint_rejected() {
        assertThatThrownBy(() -> FmadConfig.from(Map.of("interpreter.llm.model", "llama3.1:8b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'interpreter.llm.model'")
                .hasMessageContaining("only with interpreter.llm.endpoint");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "interpreter.llm.endpoint|ftp://127.0.0.1/v1|an http or https URL",
                "interpreter.llm.endpoint|127.0.0.1:11434|an http or https URL",
                "interpreter.llm.endpoint|http://127.0.0.1/v1?x=1|without user info, query or fragment",
                "interpreter.llm.model| |a model name",
                "interpreter.llm.api-key-env|MY-KEY|an environment variable name",
                "interpreter.llm.request-timeout|0 ms|a positive duration",
                "interpreter.llm.max-attempts|0|an integer from 1 to 10",
                "interpreter.llm.max-attempts|11|an integer from 1 to 10",
                "interpreter.llm.backoff|-1 s|expected a duration",
                "interpreter.llm.max-backoff|100 ms|a duration from interpreter.llm.backoff (500 ms)",
                "interpreter.llm.max-backoff|1 h|to 10 min",
                "interpreter.llm.max-concurrency|0|an integer from 1 to 64",
                "interpreter.llm.rate-limit|0.0|requests per second above 0",
                "interpreter.llm.rate-limit|NaN|requests per second above 0",
                "interpreter.llm.cache-size|-1|an integer from 0 to 10000000",
                "interpreter.llm.max-tokens|8|an integer from 16 to 32768",
                "interpreter.llm.temperature|2.5|a number from 0 to 2",
                "interpreter.llm.response-format|xml|JSON_SCHEMA",
                "interpreter.timeout|500 ms|at least 1 s when interpreter.llm.endpoint is set",
            })
    void invalidValue_rejectedNamingOptionAndValue(String key, String value, String accepted) {
        String setting = value == null ? "" : value;
        Map<String, String> settings = new HashMap<>();
        settings.put("interpreter.llm.endpoint", "http://127.0.0.1:11434/v1");
        settings.put("interpreter.llm.model", "llama3.1:8b");
        settings.put(key, setting);

        assertThatThrownBy(() -> FmadConfig.from(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + key + "'")
                .hasMessageContaining("'" + setting.trim() + "'")
                .hasMessageContaining(accepted);
    }

    private static Map<String, String> withEndpoint(Map<String, String> options) {
        Map<String, String> settings = new HashMap<>(options);
        settings.put("interpreter.llm.endpoint", "http://127.0.0.1:11434/v1");
        settings.put("interpreter.llm.model", "llama3.1:8b");
        return settings;
    }
}
