package io.fmad.job.local;

import io.fmad.connectors.kafka.EmbeddedKafkaBroker;
import io.fmad.job.config.FmadOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a single-node Kafka broker on 127.0.0.1 until interrupted, with fmad's default topics and
 * a logs topic ({@value #LOGS_TOPIC}), so that the replay tool, the alert console and the job can
 * be tried against a broker that outlives one run.
 *
 * <pre>
 * LocalKafka [PORT]    # default 9092; the controller uses PORT + 1
 * </pre>
 */
public final class LocalKafka {

    /**
     * Topic of log events in the local tools. {@code kafka.topic.logs} has no default, because the
     * job reads logs only when it is set.
     */
    static final String LOGS_TOPIC = "fmad-logs";

    private static final int DEFAULT_PORT = 9092;
    private static final int MAX_PORT = 65_534;

    private LocalKafka() {}

    public static void main(String[] args) throws Exception {
        int port = DEFAULT_PORT;
        if (args.length > 0) {
            try {
                port = Integer.parseInt(args[0]);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > MAX_PORT) {
                System.err.println("Error: invalid port '" + args[0] + "': expected an integer from 1 to " + MAX_PORT);
                System.exit(2);
            }
        }

        Path dataDir = Files.createTempDirectory("fmad-kafka-");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, port, port + 1);
        broker.createTopic(FmadOptions.METRICS_TOPIC.defaultValue(), 2);
        broker.createTopic(LOGS_TOPIC, 2);
        broker.createTopic(FmadOptions.ALERTS_TOPIC.defaultValue(), 2);
        broker.createTopic(FmadOptions.DEAD_LETTERS_TOPIC.defaultValue(), 1);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            try {
                LocalRunner.deleteRecursively(dataDir);
            } catch (IOException e) {
                System.err.println("Failed to delete " + dataDir + ": " + e.getMessage());
            }
            stopped.countDown();
        }, "fmad-kafka-stop"));
        System.out.printf("Kafka broker on %s with topics %s, %s, %s, %s (data in %s, deleted on exit). Ctrl-C stops it.%n",
                broker.bootstrapServers(),
                FmadOptions.METRICS_TOPIC.defaultValue(),
                LOGS_TOPIC,
                FmadOptions.ALERTS_TOPIC.defaultValue(),
                FmadOptions.DEAD_LETTERS_TOPIC.defaultValue(),
                dataDir);
        stopped.await();
    }
}
