package io.fmad.benchmarks;

import io.fmad.avro.MetricEvent;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.job.FmadPipeline;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.ingest.DeadLetterRouter;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The pass-through limit: fmad's Kafka source, Avro decoding, validation and dead-letter routing,
 * an identity operator, and a Kafka sink that writes every event, Avro-encoded, with fmad's
 * delivery guarantee and checkpointing. No keyed state and no shuffle: what the job's I/O alone
 * costs.
 */
final class PassThroughJob {

    static final String IDENTITY = "identity";

    private PassThroughJob() {}

    static void build(StreamExecutionEnvironment env, FmadConfig config, String outputTopic) {
        FmadPipeline.configureExecution(env, config);
        Properties producer = new Properties();
        producer.putAll(config.kafkaProperties);
        producer.setProperty(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(config.transactionTimeout.toMillis()));
        KafkaSink<MetricEvent> sink =
                KafkaSink.<MetricEvent>builder()
                        .setBootstrapServers(config.bootstrapServers)
                        .setDeliveryGuarantee(config.deliveryGuarantee)
                        .setTransactionalIdPrefix(config.transactionalIdPrefix + "-pass-through")
                        .setKafkaProducerConfig(producer)
                        .setRecordSerializer(new EventSerializer(outputTopic))
                        .build();
        FmadPipeline.metricSource(env, config)
                .process(new DeadLetterRouter())
                .name("route-dead-letters")
                .uid("route-dead-letters")
                .map(event -> event)
                .returns(MetricEvent.class)
                .name(IDENTITY)
                .uid(IDENTITY)
                .sinkTo(sink)
                .name("events-sink")
                .uid("events-sink");
    }

    /** Writes an event keyed by its key. */
    private static final class EventSerializer implements KafkaRecordSerializationSchema<MetricEvent> {

        private static final long serialVersionUID = 1L;

        private final String topic;
        private final SingleObjectCodec<MetricEvent> codec = SingleObjectCodec.forClass(MetricEvent.class);

        EventSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(MetricEvent event, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(
                    topic, event.getKey().toString().getBytes(StandardCharsets.UTF_8), codec.encode(event));
        }
    }
}
