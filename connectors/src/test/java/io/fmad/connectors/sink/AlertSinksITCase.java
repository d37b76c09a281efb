package io.fmad.connectors.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.DeadLetter;
import io.fmad.connectors.kafka.EmbeddedKafkaBroker;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.testing.KafkaTestClients;
import io.fmad.connectors.testing.LocalMiniCluster;
import io.fmad.connectors.testing.SharedKafkaBroker;
import io.fmad.connectors.testing.TestRecords;

@ExtendWith(SharedKafkaBroker.class)
class AlertSinksITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = LocalMiniCluster.extension();

    @Test
    void alerts_exactlyOnceWritesEachAlertOnce(EmbeddedKafkaBroker broker) throws Exception {
        String topic = "alerts-eo";
        broker.createTopic(topic, 2);
        List<AnomalyAlert> alerts = IntStream.range(0, 50).mapToObj(i -> TestRecords.alert("host-" + (i % 5), i)).toList();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        env.fromData(alerts)
                .sinkTo(AlertSinks.alerts(broker.bootstrapServers(), topic, DeliveryGuarantee.EXACTLY_ONCE,
                        "fmad-it-alerts", Duration.ofMinutes(5), null));
        env.execute("alerts exactly-once");

        SingleObjectCodec<AnomalyAlert> codec = SingleObjectCodec.forClass(AnomalyAlert.class);
        List<AnomalyAlert> read = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : KafkaTestClients.readAll(broker, topic, Duration.ofSeconds(30))) {
            AnomalyAlert alert = decode(codec, record.value());
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(alert.getKey());
            read.add(alert);
        }
        assertThat(read).hasSize(alerts.size());
        assertThat(read).containsExactlyInAnyOrderElementsOf(alerts);
    }

    @Test
    void deadLetters_keyedByRawKey(EmbeddedKafkaBroker broker) throws Exception {
        String topic = "dead-letters";
        broker.createTopic(topic, 1);
        DeadLetter withKey = TestRecords.deadLetter();
        DeadLetter withoutKey = DeadLetter.newBuilder(withKey).setRawKey(null).setOffset(43).build();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(withKey, withoutKey)
                .sinkTo(AlertSinks.deadLetters(broker.bootstrapServers(), topic, DeliveryGuarantee.AT_LEAST_ONCE, null, null, null));
        env.execute("dead letters");

        List<ConsumerRecord<byte[], byte[]>> records = KafkaTestClients.readAll(broker, topic, Duration.ofSeconds(30));
        assertThat(records).hasSize(2);
        assertThat(records.get(0).key()).isEqualTo(new byte[] {1, 2});
        assertThat(records.get(1).key()).isNull();
        SingleObjectCodec<DeadLetter> codec = SingleObjectCodec.forClass(DeadLetter.class);
        assertThat(codec.decode(records.get(0).value()).getRawValue()).isEqualTo(ByteBuffer.wrap(new byte[] {3, 4, 5}));
    }

    private static AnomalyAlert decode(SingleObjectCodec<AnomalyAlert> codec, byte[] value) throws IOException {
        return codec.decode(value);
    }
}
