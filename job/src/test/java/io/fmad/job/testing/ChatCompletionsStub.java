package io.fmad.job.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP server, bound to 127.0.0.1 on a free port, that speaks the OpenAI chat-completions
 * protocol ({@code POST /v1/chat/completions}) with scripted replies, one per request in order;
 * the last one repeats. It records every request's headers and body. It replaces OpenAI,
 * Ollama, vLLM or llama.cpp in tests of the LLM interpreter.
 */
public final class ChatCompletionsStub implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        // Without it the JDK's server leaves Nagle's algorithm on, and each reply waits about 40 ms
        // for the client's delayed ACK: a cost of the stub, not of the client under test. Read once,
        // when the first server starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One scripted reply. */
    public record Reply(int status, String body, Map<String, String> headers, long delayMillis, boolean hang) {

        /** Returns a 200 reply whose first choice's message content is {@code content}. */
        public static Reply answer(String content) {
            ObjectNode root = MAPPER.createObjectNode();
            root.put("id", "chatcmpl-test");
            root.put("object", "chat.completion");
            root.put("created", 1_700_000_000L);
            root.put("model", "test-model");
            ObjectNode choice = root.putArray("choices").addObject();
            choice.put("index", 0);
            choice.put("finish_reason", "stop");
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", content);
            ObjectNode usage = root.putObject("usage");
            usage.put("prompt_tokens", 100);
            usage.put("completion_tokens", 20);
            usage.put("total_tokens", 120);
            return new Reply(200, root.toString(), Map.of(), 0, false);
        }

        /** Returns a 200 reply with a valid explanation. */
        public static Reply validAnswer() {
            return answer("{\"summary\":\"CPU on the key rose far above its usual level.\","
                    + "\"likelyCause\":\"A runaway process.\",\"nextStep\":\"Check the top processes.\"}");
        }

        /** Returns an error reply with an OpenAI-style error body. */
        public static Reply error(int status, Map<String, String> headers) {
            String body = "{\"error\":{\"message\":\"scripted error\",\"type\":\"server_error\",\"code\":null}}";
            return new Reply(status, body, headers, 0, false);
        }

        /** Returns a 200 reply whose body is not JSON at all. */
        public static Reply malformed() {
            return new Reply(200, "{\"id\": \"chatcmpl-test\", \"choices\": [", Map.of(), 0, false);
        }

        /** Returns this reply, sent after {@code millis}. */
        public Reply delayed(long millis) {
            return new Reply(status, body, headers, millis, hang);
        }

        /** Returns a reply that never comes while the stub runs. */
        public static Reply hanging() {
            return new Reply(0, "", Map.of(), 0, true);
        }
    }

    /** A recorded request. */
    public record Request(Map<String, List<String>> headers, JsonNode body) {

        /** Returns the first value of header {@code name}, case-insensitive, or null. */
        public String header(String name) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                    return entry.getValue().get(0);
                }
            }
            return null;
        }

        /** Returns the content of the message with {@code role}. */
        public String message(String role) {
            for (JsonNode message : body.get("messages")) {
                if (role.equals(message.get("role").asText())) {
                    return message.get("content").asText();
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "chat-completions-stub");
        thread.setDaemon(true);
        return thread;
    });
    private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch closed = new CountDownLatch(1);

    public ChatCompletionsStub(Reply... replies) throws IOException {
        script.addAll(List.of(replies));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Returns the base URL to configure as {@code interpreter.llm.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Returns the requests received so far, in order. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private Reply next() {
        Reply reply = script.size() > 1 ? script.pollFirst() : script.peekFirst();
        return reply == null ? Reply.validAnswer() : reply;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(Map.copyOf(exchange.getRequestHeaders()), MAPPER.readTree(body)));
            Reply reply = next();
            if (reply.hang()) {
                closed.await();
                return;
            }
            if (reply.delayMillis() > 0 && closed.await(reply.delayMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            reply.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client gave up on the request (a timeout), so there is nobody to reply to.
        }
    }

    /** Releases hanging requests and stops the server. */
    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
