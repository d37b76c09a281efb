package io.fmad.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmad.connectors.testing.SharedKafkaBroker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

@ExtendWith(SharedKafkaBroker.class)
class TopicChecksITCase {

    @Test
    void requireExisting_acceptsExistingTopics(EmbeddedKafkaBroker broker) {
        broker.createTopic("checked-metrics", 1);
        broker.createTopic("checked-alerts", 1);

        assertThatCode(() -> TopicChecks.requireExisting(broker.bootstrapServers(), null,
                        Map.of("kafka.topic.metrics", "checked-metrics", "kafka.topic.alerts", "checked-alerts"),
                        Duration.ofSeconds(10)))
                .doesNotThrowAnyException();
    }

    @Test
    void requireExisting_rejectsMissingTopicWithoutAutoCreate(EmbeddedKafkaBroker broker) {
        broker.createTopic("present-metrics", 1);
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put("kafka.topic.metrics", "present-metrics");
        topics.put("kafka.topic.alerts", "fmad-alertz");

        // The embedded broker runs with auto.create.topics.enable=false.
        assertThatThrownBy(() -> TopicChecks.requireExisting(broker.bootstrapServers(), null, topics, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid value 'fmad-alertz' for option 'kafka.topic.alerts'")
                .hasMessageContaining("auto.create.topics.enable=false");
    }

    @Test
    void requireExisting_skipsUnreachableBrokers() {
        assertThatCode(() -> TopicChecks.requireExisting("127.0.0.1:1", null,
                        Map.of("kafka.topic.alerts", "anything"), Duration.ofMillis(500)))
                .doesNotThrowAnyException();
    }
}
