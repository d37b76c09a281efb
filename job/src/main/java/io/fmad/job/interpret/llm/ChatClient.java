package io.fmad.job.interpret.llm;

import io.fmad.job.config.LlmConfig;
import io.fmad.job.config.LlmOptions;

import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import com.openai.core.JsonValue;
import com.openai.core.RequestOptions;
import com.openai.core.Timeout;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One request to an OpenAI-compatible chat-completions endpoint, through the OpenAI Java client
 * (OkHttp). The client's own retries are off: {@link LlmInterpreter} retries, so that it can keep
 * to the alert's deadline, honour the rate limit and count each attempt.
 *
 * <p>Failures are mapped to {@link ChatException}s whose messages contain only status codes and
 * fixed text: never the reply body, headers or the API key.
 */
final class ChatClient implements AutoCloseable {

    /** The failure of one request, and whether another attempt may succeed. */
    static final class ChatException extends Exception {
        private static final long serialVersionUID = 1L;

        final boolean retryable;
        final boolean timeout;
        /** The server's Retry-After in nanoseconds, or -1. */
        final long retryAfterNanos;

        ChatException(String message, boolean retryable, boolean timeout, long retryAfterNanos) {
            super(message, null, false, false);
            this.retryable = retryable;
            this.timeout = timeout;
            this.retryAfterNanos = retryAfterNanos;
        }
    }

    private final OpenAIClientAsync client;
    /**
     * The HTTP client under the OpenAI client. It keeps no idle connections: the OpenAI client
     * turns off OkHttp's retry on a failed pooled connection, and servers that close connections
     * without saying so (HTTP/1.0 servers, short keep-alives) then fail every reuse with an
     * EOFException. A new connection per request costs a handshake, small next to an LLM's answer,
     * and alerts are rare.
     */
    private final OkHttpClient http;
    private final LlmConfig config;

    ChatClient(LlmConfig config) {
        this.config = config;
        this.http = new OkHttpClient.Builder().connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).build();
        OpenAIOkHttpClientAsync.Builder builder =
                OpenAIOkHttpClientAsync.builder()
                        .okHttpClient(http)
                        .baseUrl(config.endpoint)
                        .maxRetries(0)
                        .timeout(config.requestTimeout);
        String apiKey = config.resolveApiKey();
        if (apiKey != null) {
            builder.apiKey(apiKey);
        } else {
            // The client insists on a credential. Local servers (Ollama, llama.cpp without
            // --api-key) expect none, so the placeholder's header is removed before sending.
            builder.apiKey("none")
                    .addInterceptor(chain -> chain.proceed(
                            chain.request().newBuilder().removeHeader("Authorization").build()));
        }
        this.client = builder.build();
    }

    /**
     * Sends {@code prompt} and returns the text of the first choice. The future fails with a
     * {@link ChatException}.
     *
     * @param timeout the longest this request may take, connection included
     */
    CompletableFuture<String> complete(Prompt prompt, Duration timeout) {
        ChatCompletionCreateParams.Builder params =
                ChatCompletionCreateParams.builder()
                        .model(config.model)
                        .addSystemMessage(prompt.system())
                        .addUserMessage(prompt.user())
                        .maxTokens((long) config.maxTokens)
                        .temperature(config.temperature);
        if (config.responseFormat == LlmOptions.ResponseFormat.JSON_SCHEMA) {
            params.responseFormat(answerSchema());
        } else if (config.responseFormat == LlmOptions.ResponseFormat.JSON_OBJECT) {
            params.responseFormat(ResponseFormatJsonObject.builder().build());
        }
        RequestOptions options =
                RequestOptions.builder()
                        .timeout(Timeout.builder().request(timeout).connect(timeout).read(timeout).write(timeout).build())
                        .build();
        CompletableFuture<ChatCompletion> call;
        try {
            call = client.chat().completions().create(params.build(), options);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(map(e));
        }
        return call.handle(
                (completion, error) -> {
                    if (error != null) {
                        throw new CompletionException(map(error));
                    }
                    try {
                        List<ChatCompletion.Choice> choices = completion.choices();
                        if (choices.isEmpty()) {
                            return null;
                        }
                        return choices.get(0).message().content().orElse(null);
                    } catch (RuntimeException e) {
                        throw new CompletionException(map(e));
                    }
                });
    }

    private static ChatException map(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof OpenAIServiceException service) {
            int status = service.statusCode();
            return new ChatException(
                    "the endpoint replied HTTP " + status,
                    RetryPolicy.retryableStatus(status),
                    status == 408,
                    retryAfterNanos(service));
        }
        if (cause instanceof OpenAIInvalidDataException) {
            return new ChatException("the endpoint's reply is not a valid chat completion", false, false, -1);
        }
        if (cause instanceof OpenAIIoException || cause instanceof java.io.IOException) {
            boolean timeout = hasCause(cause, InterruptedIOException.class);
            return new ChatException(
                    timeout ? "the request timed out" : "the endpoint could not be reached ("
                            + rootType(cause) + ")",
                    true,
                    timeout,
                    -1);
        }
        return new ChatException("the request failed (" + cause.getClass().getSimpleName() + ")", false, false, -1);
    }

    /** Reads a Retry-After of delta seconds; the HTTP-date form is ignored, and the backoff applies. */
    private static long retryAfterNanos(OpenAIServiceException service) {
        for (Map.Entry<String, List<String>> header : service.headers().asMap().entrySet()) {
            if (header.getKey().equalsIgnoreCase("retry-after") && !header.getValue().isEmpty()) {
                try {
                    double seconds = Double.parseDouble(header.getValue().get(0).trim());
                    if (seconds >= 0 && seconds < 86_400) {
                        return (long) (seconds * 1e9);
                    }
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String rootType(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    /** The answer structure as a strict JSON schema; {@link AnswerValidator} checks the same rules. */
    private static ResponseFormatJsonSchema answerSchema() {
        Map<String, Object> nullableString = Map.of("type", List.of("string", "null"));
        Map<String, Object> schema =
                Map.of(
                        "type", "object",
                        "properties",
                                Map.of(
                                        AnswerValidator.SUMMARY, Map.of("type", "string"),
                                        AnswerValidator.LIKELY_CAUSE, nullableString,
                                        AnswerValidator.NEXT_STEP, nullableString),
                        "required", List.of(AnswerValidator.SUMMARY, AnswerValidator.LIKELY_CAUSE, AnswerValidator.NEXT_STEP),
                        "additionalProperties", false);
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder body = ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        schema.forEach((name, value) -> body.putAdditionalProperty(name, JsonValue.from(value)));
        return ResponseFormatJsonSchema.builder()
                .jsonSchema(
                        ResponseFormatJsonSchema.JsonSchema.builder()
                                .name("alert_explanation")
                                .strict(true)
                                .schema(body.build())
                                .build())
                .build();
    }

    /**
     * Closes the OpenAI client, then the HTTP client's dispatcher threads and pooled connections,
     * which the OpenAI client leaves to the owner of an HTTP client it was given.
     */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }
}
