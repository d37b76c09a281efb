package io.fmad.job.config;

import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The settings of the LLM interpreter, parsed from {@link LlmOptions} and validated with the rest
 * of {@link FmadConfig}. Immutable and serializable. {@link #toString()} never shows the API key,
 * and neither do the validation messages.
 */
public final class LlmConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Environment variable names that POSIX shells accept. */
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Longest accepted delay between attempts; longer ones only hide typos. */
    static final Duration MAX_BACKOFF_LIMIT = Duration.ofMinutes(10);

    /** Base URL of the API, without a trailing slash, or null when no LLM is configured. */
    public final String endpoint;
    public final String model;
    /** The key from {@code interpreter.llm.api-key}, or null. */
    private final String apiKey;
    public final String apiKeyVariable;
    public final Duration requestTimeout;
    public final int maxAttempts;
    public final Duration backoff;
    public final Duration maxBackoff;
    public final int maxConcurrency;
    public final double rateLimit;
    public final int cacheSize;
    public final int maxTokens;
    public final double temperature;
    public final LlmOptions.ResponseFormat responseFormat;

    LlmConfig(Configuration c) {
        String url = FmadConfig.get(c, LlmOptions.ENDPOINT);
        endpoint = url == null ? null : stripTrailingSlashes(url.trim());
        model = FmadConfig.get(c, LlmOptions.MODEL);
        apiKey = FmadConfig.get(c, LlmOptions.API_KEY);
        apiKeyVariable = FmadConfig.get(c, LlmOptions.API_KEY_ENV);
        requestTimeout = FmadConfig.get(c, LlmOptions.REQUEST_TIMEOUT);
        maxAttempts = FmadConfig.get(c, LlmOptions.MAX_ATTEMPTS);
        backoff = FmadConfig.get(c, LlmOptions.BACKOFF);
        maxBackoff = FmadConfig.get(c, LlmOptions.MAX_BACKOFF);
        maxConcurrency = FmadConfig.get(c, LlmOptions.MAX_CONCURRENCY);
        rateLimit = FmadConfig.get(c, LlmOptions.RATE_LIMIT);
        cacheSize = FmadConfig.get(c, LlmOptions.CACHE_SIZE);
        maxTokens = FmadConfig.get(c, LlmOptions.MAX_TOKENS);
        temperature = FmadConfig.get(c, LlmOptions.TEMPERATURE);
        responseFormat = FmadConfig.get(c, LlmOptions.RESPONSE_FORMAT);
    }

    /** Returns whether an LLM endpoint is configured. */
    public boolean enabled() {
        return endpoint != null;
    }

    /**
     * Returns the API key: {@code interpreter.llm.api-key} when set, otherwise the value of the
     * environment variable named by {@code interpreter.llm.api-key-env} in this JVM, otherwise null.
     * Call it where the request is made (on the TaskManager), so a key from the environment never
     * enters the job graph.
     */
    public String resolveApiKey() {
        if (apiKey != null && !apiKey.isBlank()) {
            return apiKey.trim();
        }
        String value = System.getenv(apiKeyVariable);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * Checks every LLM option.
     *
     * @throws IllegalArgumentException naming the option, the value (never the API key's) and
     *     what is accepted
     */
    void validate(Duration interpreterTimeout) {
        if (endpoint != null) {
            validateEndpoint(endpoint);
            if (model == null) {
                throw new IllegalArgumentException(
                        "Missing option '" + LlmOptions.MODEL.key() + "': expected a model name, such as"
                                + " gpt-4o-mini or llama3.1:8b, when " + LlmOptions.ENDPOINT.key() + " is set.");
            }
            if (model.isBlank()) {
                throw FmadConfig.invalid(
                        LlmOptions.MODEL, model, "a model name, such as gpt-4o-mini or llama3.1:8b, when "
                                + LlmOptions.ENDPOINT.key() + " is set");
            }
        } else if (model != null) {
            // Without an endpoint the model would be ignored, and the user would wonder why no
            // alert is ever explained by it.
            throw new IllegalArgumentException(
                    "Invalid value '" + model + "' for option '" + LlmOptions.MODEL.key() + "': it takes effect"
                            + " only with " + LlmOptions.ENDPOINT.key() + "; set the endpoint too, or remove the model.");
        }

        if (apiKey != null && (apiKey.isBlank() || apiKey.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e))) {
            throw new IllegalArgumentException(
                    "Invalid value (hidden) for option '" + LlmOptions.API_KEY.key()
                            + "': expected printable ASCII characters without spaces.");
        }
        if (apiKeyVariable == null || !VARIABLE_NAME.matcher(apiKeyVariable).matches()) {
            throw FmadConfig.invalid(
                    LlmOptions.API_KEY_ENV, apiKeyVariable, "an environment variable name such as "
                            + LlmOptions.DEFAULT_API_KEY_VARIABLE);
        }

        FmadConfig.requirePositive(LlmOptions.REQUEST_TIMEOUT, requestTimeout);
        FmadConfig.requireRange(LlmOptions.MAX_ATTEMPTS, maxAttempts, 1, 10);
        FmadConfig.requireNotNegative(LlmOptions.BACKOFF, backoff);
        if (maxBackoff.compareTo(backoff) < 0 || maxBackoff.compareTo(MAX_BACKOFF_LIMIT) > 0) {
            throw FmadConfig.invalid(
                    LlmOptions.MAX_BACKOFF, maxBackoff, "a duration from interpreter.llm.backoff ("
                            + FmadConfig.format(backoff) + ") to " + FmadConfig.format(MAX_BACKOFF_LIMIT));
        }
        FmadConfig.requireRange(LlmOptions.MAX_CONCURRENCY, maxConcurrency, 1, 64);
        if (!(rateLimit > 0.0 && rateLimit <= 10_000.0)) {
            throw FmadConfig.invalid(LlmOptions.RATE_LIMIT, rateLimit, "requests per second above 0 and at most 10000");
        }
        FmadConfig.requireRange(LlmOptions.CACHE_SIZE, cacheSize, 0, 10_000_000);
        FmadConfig.requireRange(LlmOptions.MAX_TOKENS, maxTokens, 16, 32_768);
        if (!(temperature >= 0.0 && temperature <= 2.0)) {
            throw FmadConfig.invalid(LlmOptions.TEMPERATURE, temperature, "a number from 0 to 2");
        }

        if (endpoint != null && interpreterTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw FmadConfig.invalid(
                    FmadOptions.INTERPRETER_TIMEOUT, interpreterTimeout,
                    "a duration of at least 1 s when " + LlmOptions.ENDPOINT.key() + " is set");
        }
    }

    private static void validateEndpoint(String url) {
        String accepted = "an http or https URL without user info, query or fragment, such as"
                + " http://127.0.0.1:11434/v1";
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw FmadConfig.invalid(LlmOptions.ENDPOINT, url, accepted);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw FmadConfig.invalid(LlmOptions.ENDPOINT, url, accepted);
        }
        if (uri.getRawUserInfo() != null) {
            // The URL is logged and shown in the web UI; credentials belong in the API key.
            throw new IllegalArgumentException(
                    "Invalid value (hidden, it contains user info) for option '" + LlmOptions.ENDPOINT.key()
                            + "': expected " + accepted + ". Put credentials in "
                            + LlmOptions.API_KEY_ENV.key() + " or " + LlmOptions.API_KEY.key() + ".");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw FmadConfig.invalid(LlmOptions.ENDPOINT, url, accepted);
        }
    }

    private static String stripTrailingSlashes(String url) {
        String result = url;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    @Override
    public String toString() {
        return "LlmConfig{endpoint=" + endpoint + ", model=" + model + ", apiKey="
                + (apiKey == null ? "unset" : "(hidden)") + ", apiKeyVariable=" + apiKeyVariable + "}";
    }
}
