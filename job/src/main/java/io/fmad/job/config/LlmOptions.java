package io.fmad.job.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;

/**
 * Options of the LLM interpreter, under {@code interpreter.llm.}: an OpenAI-compatible
 * chat-completions endpoint (OpenAI, Ollama, vLLM, llama.cpp) that writes each alert's summary,
 * likely cause and next step. They are part of {@link FmadOptions#ALL} and parsed into
 * {@link LlmConfig}. Without {@link #ENDPOINT} no LLM is called, and the other options are still
 * validated.
 */
public final class LlmOptions {

    /** Environment variable read for the API key when {@link #API_KEY} is unset. */
    public static final String DEFAULT_API_KEY_VARIABLE = "FMAD_LLM_API_KEY";

    public static final ConfigOption<String> ENDPOINT =
            ConfigOptions.key("interpreter.llm.endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Base URL of an OpenAI-compatible chat-completions API, the part before"
                                    + " /chat/completions, for example https://api.openai.com/v1 or"
                                    + " http://127.0.0.1:11434/v1 for Ollama. Unset, no LLM is called.");

    public static final ConfigOption<String> MODEL =
            ConfigOptions.key("interpreter.llm.model")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Model name sent with each request. Required with interpreter.llm.endpoint.");

    // Flink hides the values of keys that contain "api-key" in its logs and web UI.
    public static final ConfigOption<String> API_KEY =
            ConfigOptions.key("interpreter.llm.api-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "API key sent as a bearer token. Prefer interpreter.llm.api-key-env:"
                                    + " a key set here travels in the job graph.");

    public static final ConfigOption<String> API_KEY_ENV =
            ConfigOptions.key("interpreter.llm.api-key-env")
                    .stringType()
                    .defaultValue(DEFAULT_API_KEY_VARIABLE)
                    .withDescription(
                            "Environment variable that holds the API key, read on each TaskManager"
                                    + " when interpreter.llm.api-key is unset. When neither is set,"
                                    + " requests carry no Authorization header, as local servers"
                                    + " such as Ollama expect.");

    public static final ConfigOption<Duration> REQUEST_TIMEOUT =
            ConfigOptions.key("interpreter.llm.request-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(15))
                    .withDescription(
                            "Time one request may take, connection included. Each attempt also"
                                    + " ends when the alert's interpreter.timeout is about to run out.");

    public static final ConfigOption<Integer> MAX_ATTEMPTS =
            ConfigOptions.key("interpreter.llm.max-attempts")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "Requests per explanation, the first included. Only timeouts, I/O"
                                    + " errors and HTTP 408, 409, 429 and 5xx replies are retried.");

    public static final ConfigOption<Duration> BACKOFF =
            ConfigOptions.key("interpreter.llm.backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription(
                            "Delay before the first retry. It doubles with each retry, up to"
                                    + " interpreter.llm.max-backoff, with random jitter; a Retry-After"
                                    + " header in the reply takes precedence.");

    public static final ConfigOption<Duration> MAX_BACKOFF =
            ConfigOptions.key("interpreter.llm.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(8))
                    .withDescription("Longest delay between two attempts.");

    public static final ConfigOption<Integer> MAX_CONCURRENCY =
            ConfigOptions.key("interpreter.llm.max-concurrency")
                    .intType()
                    .defaultValue(4)
                    .withDescription(
                            "Requests in flight at once, per interpreter subtask. Further alerts"
                                    + " wait for a free slot within their timeout.");

    public static final ConfigOption<Double> RATE_LIMIT =
            ConfigOptions.key("interpreter.llm.rate-limit")
                    .doubleType()
                    .defaultValue(2.0)
                    .withDescription(
                            "Requests started per second, per interpreter subtask, retries included."
                                    + " Bursts of up to one second's worth are allowed. An alert that"
                                    + " cannot get a request before its timeout keeps the built-in"
                                    + " explanation.");

    public static final ConfigOption<Integer> CACHE_SIZE =
            ConfigOptions.key("interpreter.llm.cache-size")
                    .intType()
                    .defaultValue(10_000)
                    .withDescription(
                            "Incidents whose answers are kept, per interpreter subtask: the UPDATE"
                                    + " records of an incident reuse its answer. 0 asks for every record.");

    public static final ConfigOption<Integer> MAX_TOKENS =
            ConfigOptions.key("interpreter.llm.max-tokens")
                    .intType()
                    .defaultValue(400)
                    .withDescription("Most tokens the model may write per answer.");

    public static final ConfigOption<Double> TEMPERATURE =
            ConfigOptions.key("interpreter.llm.temperature")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription("Sampling temperature; 0 asks for the most likely answer.");

    public static final ConfigOption<ResponseFormat> RESPONSE_FORMAT =
            ConfigOptions.key("interpreter.llm.response-format")
                    .enumType(ResponseFormat.class)
                    .defaultValue(ResponseFormat.JSON_SCHEMA)
                    .withDescription(
                            "How the request asks for a structured answer: JSON_SCHEMA (OpenAI,"
                                    + " vLLM, llama.cpp, recent Ollama), JSON_OBJECT for servers"
                                    + " without schema support, or TEXT to rely on the prompt alone."
                                    + " The answer is validated in every case.");

    /** The {@code response_format} sent with each request. */
    public enum ResponseFormat {
        JSON_SCHEMA,
        JSON_OBJECT,
        TEXT
    }

    /** All LLM options, in the order {@code --help} lists them. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    ENDPOINT,
                    MODEL,
                    API_KEY,
                    API_KEY_ENV,
                    REQUEST_TIMEOUT,
                    MAX_ATTEMPTS,
                    BACKOFF,
                    MAX_BACKOFF,
                    MAX_CONCURRENCY,
                    RATE_LIMIT,
                    CACHE_SIZE,
                    MAX_TOKENS,
                    TEMPERATURE,
                    RESPONSE_FORMAT);

    private LlmOptions() {}
}
