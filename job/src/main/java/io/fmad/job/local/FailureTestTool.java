package io.fmad.job.local;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.tools.ReplayTool;
import io.fmad.connectors.tools.TopicReader;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * The data side of {@code scripts/kill-test.sh}, which checks exactly-once output under
 * TaskManager failures: it writes a deterministic input stream, dumps an alerts topic, and compares
 * two dumps alert for alert.
 *
 * <pre>
 * FailureTestTool topics  --bootstrap-servers HOST:PORT --partitions N TOPIC...
 * FailureTestTool produce --bootstrap-servers HOST:PORT --topic T --keys N --days N --seed N
 * FailureTestTool dump    --bootstrap-servers HOST:PORT --topic T --output FILE [--records FILE]
 * FailureTestTool compare --expected FILE --actual FILE
 * </pre>
 *
 * <p>{@code produce} writes {@link MetricGenerator}'s stream from a fixed start instant, so the
 * same arguments always give the same records. {@code dump} reads the topic with {@code
 * read_committed} and writes one tab-separated line per alert, sorted by alert id: alert id,
 * status, incident id, sequence, key, window end (epoch milliseconds), score as the hexadecimal bits
 * of the double and as a decimal, and the SHA-256 of the record's value bytes, which covers every
 * field of the alert. {@code compare} exits with status 1 unless both dumps have the same alerts,
 * each once, with identical lines.
 */
public final class FailureTestTool {

    /** Start of the generated stream: fixed, so that every run writes the same events. */
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** How long {@code dump} may take to read a topic to its end. */
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    /** Differences that {@code compare} prints in full before it only counts them. */
    private static final int PRINTED_DIFFERENCES = 5;

    private static final String USAGE = String.join("\n",
            "Usage:",
            "  FailureTestTool topics  --bootstrap-servers HOST:PORT --partitions N TOPIC...",
            "  FailureTestTool produce --bootstrap-servers HOST:PORT --topic TOPIC --keys N --days N --seed N",
            "  FailureTestTool dump    --bootstrap-servers HOST:PORT --topic TOPIC --output FILE [--records FILE]",
            "  FailureTestTool compare --expected FILE --actual FILE");

    private FailureTestTool() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command and returns the exit status: 0 on success, 1 on a difference, 2 on a usage error. */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        Map<String, String> options = new HashMap<>();
        List<String> operands = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    err.println("Missing value for option " + args[i] + "\n" + USAGE);
                    return 2;
                }
                options.put(args[i].substring(2), args[++i]);
            } else {
                operands.add(args[i]);
            }
        }
        try {
            switch (args[0]) {
                case "topics":
                    createTopics(required(options, "bootstrap-servers"),
                            integer(options, "partitions"), operands);
                    return 0;
                case "produce":
                    produce(required(options, "bootstrap-servers"), required(options, "topic"),
                            integer(options, "keys"), integer(options, "days"),
                            seed(options), out);
                    return 0;
                case "dump":
                    dump(required(options, "bootstrap-servers"), required(options, "topic"),
                            Path.of(required(options, "output")),
                            options.containsKey("records") ? Path.of(options.get("records")) : null, out);
                    return 0;
                case "compare":
                    return compare(Path.of(required(options, "expected")), Path.of(required(options, "actual")), out);
                default:
                    err.println("Unknown command '" + args[0] + "'\n" + USAGE);
                    return 2;
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        }
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("Missing option --" + name);
        }
        return value;
    }

    private static int integer(Map<String, String> options, String name) {
        String value = required(options, name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for --" + name + ": expected an integer");
        }
    }

    private static long seed(Map<String, String> options) {
        String value = required(options, "seed");
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for --seed: expected an integer");
        }
    }

    /** Creates topics with replication factor 1, because the broker does not create them on first use. */
    static void createTopics(String bootstrapServers, int partitions, List<String> topics)
            throws InterruptedException, ExecutionException {
        Properties properties = new Properties();
        properties.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(properties)) {
            List<NewTopic> newTopics = topics.stream()
                    .map(topic -> new NewTopic(topic, partitions, (short) 1))
                    .collect(Collectors.toList());
            admin.createTopics(newTopics).all().get();
        }
    }

    /**
     * Writes the generated stream of {@code keys} hosts over {@code days} days to {@code topic}, and
     * prints the number of events and their first and last event time in epoch milliseconds.
     */
    static void produce(String bootstrapServers, String topic, int keys, int days, long seed, PrintStream out)
            throws InterruptedException {
        MetricGenerator.GeneratedStream stream = new MetricGenerator(keys, days, seed).generate(START);
        long sent;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ReplayTool.producerProperties(bootstrapServers))) {
            sent = ReplayTool.replay(producer, topic, stream.events(), 0);
        }
        List<MetricEvent> events = stream.events();
        out.printf("produced %d events of %d keys to %s, event times %d to %d ms%n", sent, keys, topic,
                events.get(0).getTimestamp().toEpochMilli(),
                events.get(events.size() - 1).getTimestamp().toEpochMilli());
    }

    /**
     * Writes the committed alerts of {@code topic} to {@code output}, one sorted line per alert, and
     * when {@code records} is not null, each whole alert as Avro JSON to it, one line per alert
     * sorted the same way, so that a difference can be traced to its field.
     */
    static void dump(String bootstrapServers, String topic, Path output, Path records, PrintStream out)
            throws IOException {
        SingleObjectCodec<AnomalyAlert> codec = SingleObjectCodec.forClass(AnomalyAlert.class);
        List<String> lines = new ArrayList<>();
        List<String> json = new ArrayList<>();
        TopicReader.readToEnd(bootstrapServers, topic, READ_TIMEOUT, record -> {
            try {
                AnomalyAlert alert = codec.decode(record.value());
                lines.add(line(alert, record.value()));
                json.add(alert.getAlertId() + "\t" + alert);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "Invalid alert in " + topic + " partition " + record.partition() + " offset " + record.offset() + ": it cannot be decoded as an AnomalyAlert", e);
            }
        });
        lines.sort(null);
        Files.write(output, lines, StandardCharsets.UTF_8);
        if (records != null) {
            json.sort(null);
            Files.write(records, json, StandardCharsets.UTF_8);
        }
        out.printf("read %d alerts from %s into %s%n", lines.size(), topic, output);
    }

    private static String line(AnomalyAlert alert, byte[] value) {
        double score = alert.getScore();
        return String.join("\t",
                alert.getAlertId(),
                alert.getStatus().toString(),
                String.valueOf(alert.getIncidentId()),
                String.valueOf(alert.getSequence()),
                alert.getKey(),
                String.valueOf(alert.getWindowEnd().toEpochMilli()),
                Long.toHexString(Double.doubleToRawLongBits(score)),
                Double.toString(score),
                sha256(value));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform must support SHA-256", e);
        }
    }

    /**
     * Compares two dumps by alert id and prints {@code alerts_expected}, {@code alerts_actual},
     * {@code lost}, {@code duplicated}, {@code duplicated_expected}, {@code unexpected} and {@code
     * differing} as {@code name value} lines. {@code duplicated} counts the surplus copies of alert
     * ids in the actual dump, and {@code duplicated_expected} those in the expected dump. {@code
     * differing} counts alert ids in both dumps whose first lines differ.
     *
     * @return 0 when the dumps match, 1 otherwise
     */
    static int compare(Path expectedFile, Path actualFile, PrintStream out) throws IOException {
        Map<String, List<String>> expected = byAlertId(Files.readAllLines(expectedFile, StandardCharsets.UTF_8));
        Map<String, List<String>> actual = byAlertId(Files.readAllLines(actualFile, StandardCharsets.UTF_8));

        TreeSet<String> lost = new TreeSet<>(expected.keySet());
        lost.removeAll(actual.keySet());
        TreeSet<String> unexpected = new TreeSet<>(actual.keySet());
        unexpected.removeAll(expected.keySet());
        long duplicated = surplusCopies(actual);
        long duplicatedExpected = surplusCopies(expected);
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : expected.entrySet()) {
            List<String> copies = actual.get(entry.getKey());
            if (copies != null && !copies.get(0).equals(entry.getValue().get(0))) {
                differing.add(entry.getKey());
            }
        }

        Map<String, Long> summary = new LinkedHashMap<>();
        summary.put("alerts_expected", expected.values().stream().mapToLong(List::size).sum());
        summary.put("alerts_actual", actual.values().stream().mapToLong(List::size).sum());
        summary.put("lost", (long) lost.size());
        summary.put("duplicated", duplicated);
        summary.put("duplicated_expected", duplicatedExpected);
        summary.put("unexpected", (long) unexpected.size());
        summary.put("differing", (long) differing.size());
        summary.forEach((name, value) -> out.println(name + " " + value));

        printExamples(out, "lost", lost, expected);
        printExamples(out, "unexpected", unexpected, actual);
        for (String alertId : differing.subList(0, Math.min(PRINTED_DIFFERENCES, differing.size()))) {
            out.println("# differing expected: " + expected.get(alertId).get(0));
            out.println("# differing actual:   " + actual.get(alertId).get(0));
        }
        boolean same = lost.isEmpty() && unexpected.isEmpty() && duplicated == 0
                && duplicatedExpected == 0 && differing.isEmpty();
        return same ? 0 : 1;
    }

    private static long surplusCopies(Map<String, List<String>> byAlertId) {
        return byAlertId.values().stream().mapToLong(copies -> copies.size() - 1).sum();
    }

    private static void printExamples(PrintStream out, String kind, TreeSet<String> alertIds,
            Map<String, List<String>> lines) {
        alertIds.stream().limit(PRINTED_DIFFERENCES)
                .forEach(alertId -> out.println("# " + kind + ": " + lines.get(alertId).get(0)));
    }

    private static Map<String, List<String>> byAlertId(List<String> lines) {
        Map<String, List<String>> byId = new TreeMap<>();
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            String alertId = line.substring(0, line.indexOf('\t'));
            byId.computeIfAbsent(alertId, id -> new ArrayList<>()).add(line);
        }
        return byId;
    }
}
