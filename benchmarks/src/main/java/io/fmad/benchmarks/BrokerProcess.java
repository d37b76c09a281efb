package io.fmad.benchmarks;

import io.fmad.connectors.kafka.EmbeddedKafkaBroker;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka broker on 127.0.0.1 in a child JVM, so that its heap and garbage collection stay out of
 * the heap the harness measures. The child stops when the parent closes its standard input, and
 * so also when the parent dies.
 */
final class BrokerProcess implements AutoCloseable {

    private static final String READY = "BOOTSTRAP ";

    private final Process process;
    private final String bootstrapServers;

    private BrokerProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts the broker with its data in {@code dataDir} and a heap of {@code heap}, for example {@code 1g}. */
    static BrokerProcess start(Path dataDir, String heap) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        String logConfig = System.getProperty("log4j2.configurationFile");
        if (logConfig != null) {
            command.add("-Dlog4j2.configurationFile=" + logConfig);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BrokerProcess.class.getName());
        command.add(dataDir.toString());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = output.readLine()) != null) {
            if (line.startsWith(READY)) {
                drain(output);
                return new BrokerProcess(process, line.substring(READY.length()).trim());
            }
        }
        process.destroyForcibly();
        throw new IOException("The broker process exited before it was ready (exit code " + waitQuietly(process) + ")");
    }

    /**
     * Copies the rest of the child's output to this JVM's standard error. Left unread, a full pipe
     * would block the broker's logging and stall it.
     */
    private static void drain(BufferedReader output) {
        Thread thread = new Thread(() -> {
            try {
                String line;
                while ((line = output.readLine()) != null) {
                    System.err.println(line);
                }
            } catch (IOException e) {
                // The child exited.
            }
        }, "broker-output");
        thread.setDaemon(true);
        thread.start();
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates {@code topic} with {@code partitions} partitions, deleting an older one of that name. */
    void createTopic(String topic, int partitions) throws ExecutionException, InterruptedException {
        Properties properties = new Properties();
        properties.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(properties)) {
            if (admin.listTopics().names().get().contains(topic)) {
                admin.deleteTopics(List.of(topic)).all().get();
                while (admin.listTopics().names().get().contains(topic)) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            }
            // Retried because a topic deletion completes asynchronously on the broker.
            for (int attempt = 0; ; attempt++) {
                try {
                    // Kept forever: the input's event times lie in the past, and time-based
                    // retention would delete the segments mid-run.
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)
                                    .configs(Map.of("retention.ms", "-1", "retention.bytes", "-1"))))
                            .all().get();
                    return;
                } catch (ExecutionException e) {
                    if (attempt >= 50) {
                        throw e;
                    }
                    TimeUnit.MILLISECONDS.sleep(200);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int waitQuietly(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Starts the broker in the child JVM, prints its address and runs until standard input closes. */
    public static void main(String[] args) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of(args[0]))) {
            System.out.println(READY + broker.bootstrapServers());
            System.out.flush();
            while (System.in.read() >= 0) {
                // Wait for the parent to close the pipe.
            }
        }
    }
}
