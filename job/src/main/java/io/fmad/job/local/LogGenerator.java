package io.fmad.job.local;

import io.fmad.avro.LogEvent;
import io.fmad.avro.LogLevel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;

/**
 * Generates log streams of three kinds of service (an HTTP API, a database, a batch worker) for
 * the local demo, tests and benchmarks. Every message is built here from a fixed set of message kinds with random
 * ids, numbers, addresses and durations, so no third-party log data is involved.
 *
 * <p>Each key logs one line per {@link #LINE_INTERVAL_MILLIS} of event time. Within a kind of
 * service, a few message kinds are frequent and a few rare. Injected lines ({@link Injection}) are
 * placed at given positions of a key's stream. The same seed gives the same stream.
 */
public final class LogGenerator {

    /** Event time between two lines of one key. */
    public static final long LINE_INTERVAL_MILLIS = 1_000;

    /** A kind of service, with the message kinds its keys log. */
    public enum Service {
        API,
        DATABASE,
        WORKER
    }

    /** A line placed at {@code position} of {@code key}'s stream, and why it is there. */
    public record Injection(String key, int position, LogLevel level, String message, String kind) {}

    /** {@link Injection#kind()} of an error message that the key's service never logs otherwise. */
    public static final String NEW_ERROR_KIND = "new error kind";

    /** {@link Injection#kind()} of a message at an ordinary level that the key's service never logs otherwise. */
    public static final String UNUSUAL_MESSAGE = "unusual message";

    private record MessageKind(int weight, LogLevel level, Function<Random, String> message) {}

    private record Anomaly(LogLevel level, String message, String kind) {}

    private static final Map<Service, List<MessageKind>> MESSAGE_KINDS =
            Map.of(
                    Service.API,
                    List.of(
                            kind(30, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "GET /api/v1/users/%d returned 200 in %d ms", r.nextInt(100_000), 2 + r.nextInt(80))),
                            kind(15, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "POST /api/v1/orders/%d returned 201 in %d ms", r.nextInt(100_000), 5 + r.nextInt(200))),
                            kind(10, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "user %d logged in from %s", r.nextInt(50_000), ip(r))),
                            kind(8, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "user %d logged out", r.nextInt(50_000))),
                            kind(10, LogLevel.DEBUG, r -> String.format(Locale.ROOT,
                                    "cache hit for session %s", token(r))),
                            kind(15, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "request %s completed in %d ms", uuid(r), 2 + r.nextInt(300))),
                            kind(3, LogLevel.WARN, r -> String.format(Locale.ROOT,
                                    "slow request %s took %d ms, above the 500 ms budget", uuid(r), 500 + r.nextInt(3000))),
                            kind(9, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "health check from %s ok", ip(r)))),
                    Service.DATABASE,
                    List.of(
                            kind(5, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "checkpoint complete: wrote %d buffers (%.1f%%); %d WAL file(s) added, %d removed",
                                    r.nextInt(5000), r.nextDouble() * 10, r.nextInt(3), r.nextInt(5))),
                            kind(20, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "connection received: host=%s port=%d", ip(r), 30_000 + r.nextInt(30_000))),
                            kind(20, LogLevel.INFO, r -> "connection authorized: user=app database=orders"),
                            kind(20, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "disconnection: session time: 0:%02d:%02d.%03d user=app database=orders host=%s",
                                    r.nextInt(60), r.nextInt(60), r.nextInt(1000), ip(r))),
                            kind(5, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "automatic vacuum of table \"orders.public.items\": index scans: %d", r.nextInt(4))),
                            kind(10, LogLevel.WARN, r -> String.format(Locale.ROOT,
                                    "duration: %.3f ms statement: SELECT * FROM items WHERE order_id = %d",
                                    1000 + r.nextDouble() * 5000, r.nextInt(1_000_000))),
                            kind(5, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "automatic analyze of table \"orders.public.orders\": elapsed %.2f s", r.nextDouble() * 3))),
                    Service.WORKER,
                    List.of(
                            kind(15, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "job %s started on worker-%d", hex(r), r.nextInt(16))),
                            kind(15, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "job %s finished in %d ms, %d records processed", hex(r), 100 + r.nextInt(60_000), r.nextInt(100_000))),
                            kind(20, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "fetched %d messages from partition %d at offset %d", 1 + r.nextInt(500), r.nextInt(12), r.nextInt(Integer.MAX_VALUE))),
                            kind(15, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "committed offset %d for partition %d", r.nextInt(Integer.MAX_VALUE), r.nextInt(12))),
                            kind(20, LogLevel.DEBUG, r -> String.format(Locale.ROOT,
                                    "heartbeat sent to coordinator %s", ip(r))),
                            kind(3, LogLevel.WARN, r -> String.format(Locale.ROOT,
                                    "retrying job %s after timeout (%d of 3)", hex(r), 1 + r.nextInt(3))),
                            kind(12, LogLevel.INFO, r -> String.format(Locale.ROOT,
                                    "GC pause (G1 Evacuation Pause) %dms", 1 + r.nextInt(200)))));

    /**
     * Messages of kinds that a service's keys never log otherwise, two per service. The first is a
     * new kind of error, the second an unusual message or another error kind.
     */
    private static final Map<Service, List<Anomaly>> ANOMALIES =
            Map.of(
                    Service.API,
                    List.of(
                            new Anomaly(LogLevel.ERROR,
                                    "TLS handshake with 10.1.2.3 failed: certificate expired on 2024-02-29", NEW_ERROR_KIND),
                            new Anomaly(LogLevel.INFO,
                                    "replica set reconfigured: this node is now read-only", UNUSUAL_MESSAGE)),
                    Service.DATABASE,
                    List.of(
                            new Anomaly(LogLevel.FATAL,
                                    "could not write to file \"pg_wal/00000001000000A7\": No space left on device", NEW_ERROR_KIND),
                            new Anomaly(LogLevel.INFO,
                                    "dropping table customers as requested by user admin", UNUSUAL_MESSAGE)),
                    Service.WORKER,
                    List.of(
                            new Anomaly(LogLevel.ERROR,
                                    "java.lang.OutOfMemoryError: Java heap space", NEW_ERROR_KIND),
                            new Anomaly(LogLevel.WARN,
                                    "Segmentation fault at address 0x7f3a9c2e10 in libnative.so", NEW_ERROR_KIND)));

    private final Random random;

    public LogGenerator(long seed) {
        this.random = new Random(seed);
    }

    /**
     * Returns {@code lines} lines per key, merged across keys in event-time order, with the
     * injections in place of the generated line at their position. {@link #lineTime} returns the
     * event time of each line.
     *
     * @param keys each key and the kind of service it is
     * @param start event time of each key's first line
     */
    public List<LogEvent> generate(Map<String, Service> keys, int lines, Instant start, List<Injection> injections) {
        Map<String, Map<Integer, Injection>> injectionsByKey = new HashMap<>();
        for (Injection injection : injections) {
            injectionsByKey.computeIfAbsent(injection.key(), key -> new HashMap<>()).put(injection.position(), injection);
        }
        List<LogEvent> events = new ArrayList<>();
        List<String> names = sortedKeys(keys.keySet());
        for (int position = 0; position < lines; position++) {
            for (int k = 0; k < names.size(); k++) {
                String key = names.get(k);
                long time = lineMillis(start, position, k);
                Injection injection = injectionsByKey.getOrDefault(key, Map.of()).get(position);
                if (injection != null) {
                    events.add(event(key, time, injection.level(), injection.message()));
                } else {
                    MessageKind kind = pick(MESSAGE_KINDS.get(keys.get(key)));
                    events.add(event(key, time, kind.level(), kind.message().apply(random)));
                }
            }
        }
        return events;
    }

    /**
     * Returns one injection per key, at a random position from 50 % up to 90 % of {@code lines},
     * so that it falls after the detector's warm-up (logs.warm-up) when the stream is long enough.
     * Keys of one service take turns, in key order, through the service's anomalous messages. This
     * method and {@link #generate} draw from one random sequence, so their call order changes the
     * stream.
     */
    public List<Injection> anomalies(Map<String, Service> keys, int lines) {
        if (lines < 1) {
            throw new IllegalArgumentException("lines must be at least 1, was " + lines);
        }
        Map<Service, Integer> turns = new EnumMap<>(Service.class);
        List<Injection> injections = new ArrayList<>();
        for (String key : sortedKeys(keys.keySet())) {
            Service service = keys.get(key);
            List<Anomaly> anomalies = ANOMALIES.get(service);
            int turn = turns.merge(service, 1, Integer::sum) - 1;
            Anomaly anomaly = anomalies.get(turn % anomalies.size());
            int position = lines / 2 + random.nextInt(Math.max(1, lines * 2 / 5));
            injections.add(new Injection(key, position, anomaly.level(), anomaly.message(), anomaly.kind()));
        }
        return injections;
    }

    /**
     * Returns the event time that {@link #generate} gives the line at {@code position} of {@code
     * key}'s stream, where {@code keys} are all keys of that stream.
     */
    public static Instant lineTime(Collection<String> keys, Instant start, String key, int position) {
        int index = sortedKeys(keys).indexOf(key);
        if (index < 0) {
            throw new IllegalArgumentException("Key '" + key + "' not found among the " + keys.size() + " keys of the stream");
        }
        return Instant.ofEpochMilli(lineMillis(start, position, index));
    }

    /**
     * Returns a line's event time in epoch milliseconds. Each key logs one line per {@link
     * #LINE_INTERVAL_MILLIS}, and keys log a millisecond apart in key order, so that merged lines
     * keep a stable order.
     */
    private static long lineMillis(Instant start, int position, int keyIndex) {
        return start.toEpochMilli() + position * LINE_INTERVAL_MILLIS + keyIndex;
    }

    private static List<String> sortedKeys(Collection<String> keys) {
        List<String> names = new ArrayList<>(keys);
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /** Returns one generated message of {@code service}, for benchmarks. */
    public String message(Service service) {
        return pick(MESSAGE_KINDS.get(service)).message().apply(random);
    }

    /** Returns the number of message kinds of {@code service}. */
    public static int messageKinds(Service service) {
        return MESSAGE_KINDS.get(service).size();
    }

    private MessageKind pick(List<MessageKind> kinds) {
        int total = kinds.stream().mapToInt(MessageKind::weight).sum();
        int draw = random.nextInt(total);
        for (MessageKind kind : kinds) {
            draw -= kind.weight();
            if (draw < 0) {
                return kind;
            }
        }
        throw new IllegalStateException("weights of " + kinds.size() + " message kinds sum to " + total);
    }

    private static LogEvent event(String key, long time, LogLevel level, String message) {
        return LogEvent.newBuilder()
                .setKey(key)
                .setTimestamp(Instant.ofEpochMilli(time))
                .setLevel(level)
                .setMessage(message)
                .setAttributes(Map.of())
                .build();
    }

    private static MessageKind kind(int weight, LogLevel level, Function<Random, String> message) {
        return new MessageKind(weight, level, message);
    }

    private static String ip(Random random) {
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    private static String uuid(Random random) {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static String hex(Random random) {
        return Long.toHexString(random.nextLong() | 0x1000_0000_0000_0000L).substring(0, 12);
    }

    private static String token(Random random) {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            token.append(i % 4 == 1 ? (char) ('0' + random.nextInt(10)) : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return token.toString();
    }
}
