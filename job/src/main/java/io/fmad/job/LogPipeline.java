package io.fmad.job;

import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.DeadLetter;
import io.fmad.avro.LogEvent;
import io.fmad.connectors.source.IngestedLog;
import io.fmad.connectors.source.LogSources;
import io.fmad.connectors.source.LogValidator;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.config.LogConfig;
import io.fmad.job.ingest.DeadLetterRouter;
import io.fmad.job.ingest.LogDeadLetterRouter;
import io.fmad.job.logs.LogDetectorSettings;
import io.fmad.job.logs.LogLine;
import io.fmad.job.logs.LogNoveltyDetector;
import io.fmad.job.logs.LogTemplateFunction;
import io.fmad.job.logs.MiniLmTemplateEmbedder;
import io.fmad.job.logs.TemplateEmbedderFactory;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds the log branch of the job graph, which {@link FmadPipeline} adds when {@code
 * kafka.topic.logs} is set:
 *
 * <pre>
 * Kafka logs ─▶ route ─▶ templates ─▶ keyBy(key) log-novelty (embed new templates, cached) ─▶ alerts
 *                 └──▶ dead letters
 * </pre>
 *
 * <p>The alerts and dead letters join the metric branch's before the interpreter and the sinks, so
 * log alerts leave through the same exactly-once Kafka sink. Every operator has a stable uid.
 */
public final class LogPipeline {

    private LogPipeline() {}

    /** The log branch's outputs. */
    public record Outputs(DataStream<AnomalyAlert> alerts, DataStream<DeadLetter> deadLetters) {}

    /**
     * Adds the log branch to {@code env}, with MiniLM as the template embedder.
     *
     * @throws IllegalArgumentException if {@code kafka.topic.logs} is not set
     */
    public static Outputs build(StreamExecutionEnvironment env, FmadConfig config) {
        return build(env, config, MiniLmTemplateEmbedder.factory(config.logs.maxTokens));
    }

    /** Adds the log branch to {@code env}, embedding templates with {@code embedders}. */
    static Outputs build(StreamExecutionEnvironment env, FmadConfig config, TemplateEmbedderFactory embedders) {
        LogConfig logs = config.logs;
        if (!logs.enabled()) {
            throw new IllegalArgumentException("Missing option kafka.topic.logs: the log branch needs a topic to read");
        }

        SingleOutputStreamOperator<LogEvent> events =
                env.fromSource(
                                source(config),
                                FmadPipeline.watermarks(config, (IngestedLog record, long kafkaTimestamp) -> record.isValid()
                                        ? record.event.getTimestamp().toEpochMilli()
                                        : Long.MIN_VALUE),
                                "logs-source")
                        .uid("logs-source")
                        .process(new LogDeadLetterRouter())
                        .name("route-log-dead-letters")
                        .uid("route-log-dead-letters");

        DataStream<LogLine> lines =
                events.map(new LogTemplateFunction()).name("log-templates").uid("log-templates");

        LogDetectorSettings settings =
                new LogDetectorSettings(
                        logs.threshold,
                        logs.warmUp,
                        logs.memorySize,
                        logs.cooldown,
                        logs.errorWeight,
                        logs.cacheSize,
                        config.stateTtl);
        SingleOutputStreamOperator<AnomalyAlert> alerts =
                lines.keyBy(LogLine::key)
                        .process(new LogNoveltyDetector(settings, embedders))
                        .name("log-novelty")
                        .uid("log-novelty");

        return new Outputs(alerts, events.getSideOutput(DeadLetterRouter.DEAD_LETTERS));
    }

    private static KafkaSource<IngestedLog> source(FmadConfig config) {
        return LogSources.create(
                config.bootstrapServers,
                config.logs.logsTopic,
                config.groupId,
                FmadPipeline.startingOffsets(config),
                config.bounded,
                config.kafkaProperties,
                new LogValidator(config.maxFutureSkew));
    }
}
