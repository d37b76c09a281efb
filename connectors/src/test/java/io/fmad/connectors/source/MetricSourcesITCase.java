package io.fmad.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.fmad.avro.MetricEvent;
import io.fmad.connectors.kafka.EmbeddedKafkaBroker;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.testing.LocalMiniCluster;
import io.fmad.connectors.testing.SharedKafkaBroker;
import io.fmad.connectors.testing.TestRecords;
import io.fmad.connectors.tools.ReplayTool;

@ExtendWith(SharedKafkaBroker.class)
class MetricSourcesITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = LocalMiniCluster.extension();

    // CloseableIterator.close() declares Exception, which includes InterruptedException; the test
    // rethrows whatever it throws.
    @SuppressWarnings("try")
    @Test
    void boundedSource_emitsValidEventsAndDeadLetters(EmbeddedKafkaBroker broker) throws Exception {
        String topic = "metrics-source";
        broker.createTopic(topic, 2);
        SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);
        MetricEvent valid = TestRecords.metric("host-1", 0.5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ReplayTool.producerProperties(broker.bootstrapServers()))) {
            producer.send(new ProducerRecord<>(topic, 0, "host-1".getBytes(StandardCharsets.UTF_8), codec.encode(valid)));
            producer.send(new ProducerRecord<>(topic, 1, "x".getBytes(StandardCharsets.UTF_8), "not avro".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(topic, 1, "y".getBytes(StandardCharsets.UTF_8), null));
            producer.flush();
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        MetricValidator validator = new MetricValidator(Duration.ofDays(36500));
        List<IngestedMetric> results = new ArrayList<>();
        try (CloseableIterator<IngestedMetric> iterator = env
                .fromSource(
                        MetricSources.create(broker.bootstrapServers(), topic, "it-group", OffsetsInitializer.earliest(),
                                true, new Properties(), validator),
                        WatermarkStrategy.noWatermarks(),
                        "metrics")
                .executeAndCollect()) {
            iterator.forEachRemaining(results::add);
        }

        assertThat(results).filteredOn(IngestedMetric::isValid).extracting(m -> m.event).containsExactly(valid);
        assertThat(results).filteredOn(m -> !m.isValid())
                .extracting(m -> m.deadLetter.getReason())
                .containsExactlyInAnyOrder("NOT_AVRO", "NULL_VALUE");
        assertThat(results).filteredOn(m -> !m.isValid())
                .allSatisfy(m -> {
                    assertThat(m.deadLetter.getSourceTopic()).isEqualTo(topic);
                    assertThat(m.deadLetter.getPartition()).isEqualTo(1);
                });
    }
}
