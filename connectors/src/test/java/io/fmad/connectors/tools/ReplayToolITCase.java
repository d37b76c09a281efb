package io.fmad.connectors.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.kafka.EmbeddedKafkaBroker;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.testing.KafkaTestClients;
import io.fmad.connectors.testing.SharedKafkaBroker;
import io.fmad.connectors.testing.TestRecords;

@ExtendWith(SharedKafkaBroker.class)
class ReplayToolITCase {

    @TempDir
    Path dir;

    @Test
    void replay_writesEveryRowInTimeOrder(EmbeddedKafkaBroker broker) throws Exception {
        broker.createTopic("replay", 1);
        Random random = new Random(42);
        for (String name : List.of("a/cpu", "b/mem", "disk")) {
            List<String> lines = new ArrayList<>(List.of("timestamp,value"));
            for (int minute = 0; minute < 40; minute++) {
                lines.add(String.format("2014-01-01 00:%02d:00,%.4f", minute, random.nextGaussian()));
            }
            lines.add("garbage row");
            Path file = dir.resolve(name + ".csv");
            Files.createDirectories(file.getParent());
            Files.write(file, lines);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exitCode = ReplayTool.run(
                new String[] {"--bootstrap-servers", broker.bootstrapServers(), "--topic", "replay", "--input", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exitCode).as("stderr: %s", err).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Replayed 120 events from 3 files").contains("3 invalid rows skipped");
        SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);
        List<MetricEvent> read = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : KafkaTestClients.readAll(broker, "replay", Duration.ofSeconds(30))) {
            read.add(codec.decode(record.value()));
        }
        assertThat(read).hasSize(120);
        assertThat(read).extracting(MetricEvent::getTimestamp).isSorted();
        assertThat(read).extracting(MetricEvent::getKey).containsOnly("cpu", "mem", "disk");
    }

    @Test
    void consoleConsumer_printsAlertsAndWarnsOnGarbage(EmbeddedKafkaBroker broker) throws Exception {
        broker.createTopic("console-alerts", 1);
        SingleObjectCodec<AnomalyAlert> codec = SingleObjectCodec.forClass(AnomalyAlert.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ReplayTool.producerProperties(broker.bootstrapServers()))) {
            producer.send(new ProducerRecord<>("console-alerts", null, codec.encode(TestRecords.alert("host-1", 0))));
            producer.send(new ProducerRecord<>("console-alerts", null, "garbage".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>("console-alerts", null, codec.encode(TestRecords.alert("host-2", 1))));
            producer.flush();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exitCode = AlertConsoleConsumer.run(
                new String[] {"--bootstrap-servers", broker.bootstrapServers(), "--topic", "console-alerts",
                    "--from-beginning", "--max-alerts", "2", "--timeout-seconds", "30"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exitCode).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactly(AlertFormatter.format(TestRecords.alert("host-1", 0)), AlertFormatter.format(TestRecords.alert("host-2", 1)));
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("partition 0 offset 1").contains("undecodable");
    }
}
