package io.fmad.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fmad.avro.MetricEvent;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.testing.KafkaTestClients;
import io.fmad.connectors.testing.SharedKafkaBroker;
import io.fmad.connectors.testing.TestRecords;
import io.fmad.connectors.tools.ReplayTool;

@ExtendWith(SharedKafkaBroker.class)
class EmbeddedKafkaBrokerITCase {

    @Test
    void broker_roundTripsSingleObjectRecords(EmbeddedKafkaBroker broker) throws Exception {
        broker.createTopic("roundtrip", 2);
        SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);
        List<MetricEvent> events = List.of(TestRecords.metric("a", 1.0), TestRecords.metric("b", 2.0), TestRecords.metric("c", 3.0));

        Properties properties = ReplayTool.producerProperties(broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
            for (MetricEvent event : events) {
                producer.send(new ProducerRecord<>("roundtrip", event.getKey().getBytes(StandardCharsets.UTF_8), codec.encode(event)));
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> records = KafkaTestClients.readAll(broker, "roundtrip", Duration.ofSeconds(30));

        assertThat(records).hasSize(3);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            MetricEvent decoded = codec.decode(record.value());
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(decoded.getKey());
            assertThat(events).contains(decoded);
        }
    }

    @Test
    void broker_bindsLoopbackOnly(EmbeddedKafkaBroker broker) {
        assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
    }
}
