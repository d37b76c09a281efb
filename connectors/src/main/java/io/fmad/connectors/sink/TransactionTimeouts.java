package io.fmad.connectors.sink;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a Kafka sink's transaction timeout against the checkpoint interval and the broker's
 * {@code transaction.max.timeout.ms} at job start.
 *
 * <p>A transaction stays open from one checkpoint to the next, so the timeout must exceed the
 * checkpoint interval, or the broker aborts transactions before Flink commits them. A timeout
 * above the broker's maximum fails every producer with {@code InvalidTxnTimeoutException} (the
 * KafkaSink default of 1 hour exceeds the broker default of 15 minutes).
 */
public final class TransactionTimeouts {

    /** Broker setting that bounds the transaction timeout of producers. */
    public static final String BROKER_MAX_TIMEOUT_CONFIG = "transaction.max.timeout.ms";

    /** Kafka's default for {@value #BROKER_MAX_TIMEOUT_CONFIG}, used when the broker cannot be asked. */
    public static final Duration KAFKA_DEFAULT_MAX_TIMEOUT = Duration.ofMinutes(15);

    /** How long {@link #validate(String, Duration, Duration, String, Properties)} waits for the broker. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(TransactionTimeouts.class);

    private TransactionTimeouts() {}

    /**
     * Validates a transaction timeout, asking the broker for its maximum within {@link
     * #DEFAULT_QUERY_TIMEOUT}.
     *
     * @see #validate(String, Duration, Duration, String, Properties, Duration)
     */
    public static void validate(
            String optionName,
            Duration transactionTimeout,
            Duration checkpointInterval,
            String bootstrapServers,
            Properties adminProperties) {
        validate(optionName, transactionTimeout, checkpointInterval, bootstrapServers, adminProperties,
                DEFAULT_QUERY_TIMEOUT);
    }

    /**
     * Validates that {@code checkpointInterval < transactionTimeout <= transaction.max.timeout.ms}.
     *
     * <p>The broker maximum is read with Kafka Admin {@code describeConfigs} on one broker. When the
     * broker does not respond within {@code queryTimeout}, or refuses the request, this logs a WARN
     * and checks against Kafka's default of 15 minutes instead.
     *
     * @param optionName the job option that set the timeout, named in the error
     * @param adminProperties further Admin client properties such as security settings, may be null
     * @throws IllegalArgumentException naming the option, the value and the accepted range when the
     *     timeout is out of range
     */
    public static void validate(
            String optionName,
            Duration transactionTimeout,
            Duration checkpointInterval,
            String bootstrapServers,
            Properties adminProperties,
            Duration queryTimeout) {
        Objects.requireNonNull(optionName, "optionName must not be null");
        Objects.requireNonNull(transactionTimeout, "transactionTimeout must not be null");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval must not be null");
        Objects.requireNonNull(queryTimeout, "queryTimeout must not be null");

        Duration brokerMax = queryBrokerMaximum(bootstrapServers, adminProperties, queryTimeout);
        check(optionName, transactionTimeout, checkpointInterval, brokerMax);
    }

    /**
     * Checks the range against a known broker maximum, without asking the broker.
     *
     * @throws IllegalArgumentException naming the option, the value and the accepted range
     */
    public static void check(
            String optionName, Duration transactionTimeout, Duration checkpointInterval, Duration brokerMax) {
        if (transactionTimeout.compareTo(checkpointInterval) <= 0 || transactionTimeout.compareTo(brokerMax) > 0) {
            throw new IllegalArgumentException(
                    "Invalid value " + transactionTimeout + " (" + transactionTimeout.toMillis() + " ms) for option '"
                            + optionName + "': the transaction timeout must be greater than the checkpoint interval "
                            + checkpointInterval + " (" + checkpointInterval.toMillis() + " ms) and at most the broker's "
                            + BROKER_MAX_TIMEOUT_CONFIG + " " + brokerMax + " (" + brokerMax.toMillis()
                            + " ms). Set the option within that range, or raise " + BROKER_MAX_TIMEOUT_CONFIG
                            + " on the brokers.");
        }
    }

    /**
     * Returns the broker's {@value #BROKER_MAX_TIMEOUT_CONFIG}, or {@link #KAFKA_DEFAULT_MAX_TIMEOUT}
     * with a WARN when the broker cannot be asked within {@code queryTimeout}.
     */
    public static Duration queryBrokerMaximum(String bootstrapServers, Properties adminProperties, Duration queryTimeout) {
        Properties properties = new Properties();
        if (adminProperties != null) {
            properties.putAll(adminProperties);
        }
        properties.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1, queryTimeout.toMillis()));
        properties.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
        properties.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));

        long deadline = System.nanoTime() + queryTimeout.toNanos();
        Admin admin = Admin.create(properties);
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
            if (nodes.isEmpty()) {
                return fallback(bootstrapServers, "the cluster reported no brokers", null);
            }
            String brokerId = Integer.toString(nodes.iterator().next().id());
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, brokerId);
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(java.util.List.of(broker)).all().get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
            ConfigEntry entry = configs.get(broker).get(BROKER_MAX_TIMEOUT_CONFIG);
            if (entry == null || entry.value() == null) {
                return fallback(bootstrapServers, "broker " + brokerId + " did not report " + BROKER_MAX_TIMEOUT_CONFIG, null);
            }
            Duration brokerMax = Duration.ofMillis(Long.parseLong(entry.value()));
            LOG.info("Broker {} at {} reports {}={} ms", brokerId, bootstrapServers, BROKER_MAX_TIMEOUT_CONFIG, brokerMax.toMillis());
            return brokerMax;
        } catch (TimeoutException e) {
            return fallback(bootstrapServers, "timed out after " + queryTimeout, e);
        } catch (ExecutionException e) {
            return fallback(bootstrapServers, "the request failed", e.getCause());
        } catch (NumberFormatException e) {
            return fallback(bootstrapServers, "the broker reported a non-numeric value", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback(bootstrapServers, "interrupted", e);
        } finally {
            // Do not wait for in-flight requests to an unreachable broker.
            admin.close(Duration.ZERO);
        }
    }

    private static long remainingNanos(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static Duration fallback(String bootstrapServers, String failure, Throwable cause) {
        LOG.warn(
                "Could not read {} from the brokers at {} ({}: {}); checking the transaction timeout against"
                        + " Kafka's default of {} ms instead",
                BROKER_MAX_TIMEOUT_CONFIG, bootstrapServers, failure, cause == null ? "no details" : cause.toString(),
                KAFKA_DEFAULT_MAX_TIMEOUT.toMillis());
        return KAFKA_DEFAULT_MAX_TIMEOUT;
    }
}
