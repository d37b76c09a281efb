package io.fmad.connectors.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks at job start that the topics a job reads and writes exist. A job whose sink topic is
 * missing on brokers that do not create topics on first use runs, logs {@code
 * UNKNOWN_TOPIC_OR_PARTITION} warnings and never writes, so it is better refused at start.
 */
public final class TopicChecks {

    /** The broker setting that makes a first write create a missing topic. */
    public static final String AUTO_CREATE_CONFIG = "auto.create.topics.enable";

    private static final Logger LOG = LoggerFactory.getLogger(TopicChecks.class);

    private TopicChecks() {}

    /**
     * Fails when a topic of {@code topicsByOption} is missing and the brokers do not create topics on
     * first use. Missing topics on brokers that do are logged at WARN. When the brokers cannot be
     * asked within {@code timeout}, the check is skipped with a WARN, as the job may start before
     * the brokers.
     *
     * @param topicsByOption option key to topic name, for the message
     * @param adminProperties further Admin client properties such as security settings, may be null
     * @throws IllegalArgumentException naming the option, the topic and what to do
     */
    public static void requireExisting(
            String bootstrapServers, Properties adminProperties, Map<String, String> topicsByOption, Duration timeout) {
        Properties properties = new Properties();
        if (adminProperties != null) {
            properties.putAll(adminProperties);
        }
        properties.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        properties.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
        properties.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));

        long deadline = System.nanoTime() + timeout.toNanos();
        Admin admin = Admin.create(properties);
        try {
            Set<String> existing = admin.listTopics().names().get(remaining(deadline), TimeUnit.NANOSECONDS);
            List<Map.Entry<String, String>> missing = new ArrayList<>();
            for (Map.Entry<String, String> entry : topicsByOption.entrySet()) {
                if (!existing.contains(entry.getValue())) {
                    missing.add(entry);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            boolean autoCreate = autoCreate(admin, deadline);
            for (Map.Entry<String, String> entry : missing) {
                if (!autoCreate) {
                    throw new IllegalArgumentException(
                            "Invalid value '" + entry.getValue() + "' for option '" + entry.getKey() + "': no such topic"
                                    + " on the brokers at " + bootstrapServers + ", and they do not create topics on"
                                    + " first use (" + AUTO_CREATE_CONFIG + "=false). Create the topic first, or name"
                                    + " an existing one.");
                }
                LOG.warn(
                        "Topic '{}' of option '{}' does not exist on the brokers at {}; they create it with their"
                                + " defaults on the first write",
                        entry.getValue(), entry.getKey(), bootstrapServers);
            }
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("Could not list the topics on the brokers at {} ({}); not checking that the job's topics exist",
                    bootstrapServers, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    /** Returns one broker's {@value #AUTO_CREATE_CONFIG}, true (Kafka's default) when it reports none. */
    private static boolean autoCreate(Admin admin, long deadline)
            throws ExecutionException, TimeoutException, InterruptedException {
        Collection<Node> nodes = admin.describeCluster().nodes().get(remaining(deadline), TimeUnit.NANOSECONDS);
        if (nodes.isEmpty()) {
            return true;
        }
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(nodes.iterator().next().id()));
        Map<ConfigResource, Config> configs =
                admin.describeConfigs(List.of(broker)).all().get(remaining(deadline), TimeUnit.NANOSECONDS);
        ConfigEntry entry = configs.get(broker).get(AUTO_CREATE_CONFIG);
        return entry == null || entry.value() == null || Boolean.parseBoolean(entry.value());
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
