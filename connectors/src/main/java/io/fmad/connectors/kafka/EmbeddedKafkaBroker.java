package io.fmad.connectors.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM,
 * for tests and local runs.
 *
 * <p>Both listeners bind 127.0.0.1 only. Settings suit one node: replication factor 1 for the
 * internal topics, {@code min.insync.replicas=1}, {@code group.initial.rebalance.delay.ms=0} and
 * {@code auto.create.topics.enable=false}, so topics must be created with {@link #createTopic}.
 * Starting takes about 4 to 8 seconds.
 *
 * <p>Needs {@code org.apache.kafka:kafka_2.13} on the classpath, which the connectors module
 * declares as an optional dependency: add it to a module that starts a broker.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_INTERVAL_MS = 50;

    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final int brokerPort;
    private final KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafkaBroker(Path dataDir, boolean deleteDataDirOnClose, int brokerPort, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
        this.brokerPort = brokerPort;
        this.server = server;
    }

    /** Starts a broker on free ports with data in a temporary directory deleted on close. */
    public static EmbeddedKafkaBroker start() throws IOException {
        Path dataDir = Files.createTempDirectory("fmad-kafka-");
        return start(dataDir, true, 0, 0);
    }

    /** Starts a broker on free ports with data in {@code dataDir}, which is kept on close. */
    public static EmbeddedKafkaBroker start(Path dataDir) throws IOException {
        return start(dataDir, false, 0, 0);
    }

    /**
     * Starts a broker with data in {@code dataDir} (kept on close) on the given ports.
     *
     * @param brokerPort port of the client listener, or 0 to choose a free one
     * @param controllerPort port of the KRaft controller listener, or 0 to choose a free one
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int brokerPort, int controllerPort) throws IOException {
        return start(dataDir, false, brokerPort, controllerPort);
    }

    private static EmbeddedKafkaBroker start(Path dataDir, boolean temporary, int brokerPort, int controllerPort)
            throws IOException {
        long startNanos = System.nanoTime();
        // NOTE: another process could take a port chosen here before the broker binds it. Startup
        // then fails with a bind error, and the caller may retry.
        int[] free = freePorts(2);
        int clientPort = brokerPort == 0 ? free[0] : checkPort("brokerPort", brokerPort);
        int raftPort;
        if (controllerPort != 0) {
            raftPort = checkPort("controllerPort", controllerPort);
        } else if (free[1] != clientPort) {
            raftPort = free[1];
        } else {
            // A fixed broker port that equals the second free port: the first one is free too.
            raftPort = free[0];
        }
        if (clientPort == raftPort) {
            throw new IllegalArgumentException(
                    "Invalid ports: broker and controller both use " + clientPort + "; they must differ");
        }

        Path logDir = dataDir.resolve("kraft-logs");
        Files.createDirectories(logDir);
        Properties properties = brokerProperties(logDir, clientPort, raftPort);
        formatStorage(dataDir, logDir, properties);

        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, temporary, clientPort, server);
        try {
            server.startup();
            broker.awaitReady();
        } catch (RuntimeException | IOException e) {
            broker.close();
            throw e;
        }
        LOG.info(
                "Started embedded Kafka broker at {} (controller port {}, data in {}) in {} ms",
                broker.bootstrapServers(), raftPort, dataDir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        return broker;
    }

    /** Returns the bootstrap servers for clients, {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    /** Returns the directory that contains the broker's data. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader.
     *
     * @throws IllegalStateException if creation fails or the partitions get no leader within 30 s
     */
    public void createTopic(String name, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("Invalid partition count " + partitions + " for topic " + name + ": must be at least 1");
        }
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
            while (!hasLeaders(admin, name, partitions)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Topic " + name + " has partitions without a leader after " + TOPIC_TIMEOUT);
                }
                // Polling interval: the broker offers no notification for partition leadership.
                TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL_MS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Failed to create topic " + name + " with " + partitions + " partitions", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        }
        LOG.info("Created topic {} with {} partitions on {}", name, partitions, bootstrapServers());
    }

    /** Creates an Admin client for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Shuts the broker down, waits until it has stopped, and deletes a temporary data directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Stopping embedded Kafka broker at {}", bootstrapServers());
        server.shutdown();
        server.awaitShutdown();
        if (deleteDataDirOnClose) {
            deleteRecursively(dataDir);
        }
        LOG.info("Stopped embedded Kafka broker at {}", bootstrapServers());
    }

    private static Properties brokerProperties(Path logDir, int clientPort, int raftPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + raftPort);
        p.setProperty("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + raftPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());

        // One node: internal topics cannot have more than one replica.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("default.replication.factor", "1");
        // Fewer partitions for the internal topics than the defaults (50) make the first consumer
        // group and the first transaction start faster.
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");

        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "1");
        return p;
    }

    private static void formatStorage(Path dataDir, Path logDir, Properties properties) throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            LOG.info("Reusing formatted Kafka storage in {}", logDir);
            return;
        }
        Path configFile = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(configFile)) {
            properties.store(out, "Embedded Kafka broker");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            String clusterId = Uuid.randomUuid().toString();
            exitCode = StorageTool.execute(
                    new String[] {"format", "--cluster-id", clusterId, "--config", configFile.toString()}, print);
        }
        if (exitCode != 0) {
            throw new IOException(
                    "Failed to format Kafka storage in " + logDir + " (exit code " + exitCode + "): "
                            + output.toString(StandardCharsets.UTF_8));
        }
        LOG.debug("Formatted Kafka storage: {}", output.toString(StandardCharsets.UTF_8).strip());
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("Embedded Kafka broker at {} not ready yet: {}", bootstrapServers(), e.toString());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("Embedded Kafka broker at " + bootstrapServers() + " not ready after " + STARTUP_TIMEOUT);
                }
                TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for the embedded Kafka broker", e);
        }
    }

    private static boolean hasLeaders(Admin admin, String topic, int partitions)
            throws InterruptedException, TimeoutException {
        try {
            TopicDescription description =
                    admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
            List<TopicPartitionInfo> infos = description.partitions();
            return infos.size() == partitions && infos.stream().allMatch(info -> info.leader() != null && !info.leader().isEmpty());
        } catch (ExecutionException e) {
            // UnknownTopicOrPartitionException until the metadata reaches the broker.
            return false;
        }
    }

    /**
     * Returns {@code count} distinct free ports. All sockets stay open until every port is chosen:
     * ports taken one after another can repeat, because the operating system may hand out a port
     * again as soon as its socket closes.
     */
    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }

    private static int checkPort(String name, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Invalid " + name + " " + port + ": must be 0 (choose a free port) or 1-65535");
        }
        return port;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Failed to delete the embedded Kafka broker's data directory {}", dir, e);
        }
    }
}
