package io.fmad.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.job.config.FmadConfig;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.ForwardPartitioner;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds the job graph without running it, to check which operators the settings add. */
class FmadPipelineGraphTest {

    private static final List<String> LOG_OPERATORS =
            List.of("logs-source", "route-log-dead-letters", "log-templates", "log-novelty");

    @Test
    void withoutLogsTopic_graphHasNoLogOperators() {
        List<String> uids = operatorUids(FmadConfig.defaults());

        assertThat(uids).contains("metrics-source", "detector", "interpreter", "alerts-sink", "dead-letters-sink");
        assertThat(uids).doesNotContainAnyElementsOf(LOG_OPERATORS);
    }

    @Test
    void withLogsTopic_logOperatorsFeedSharedSinks() {
        List<String> uids = operatorUids(FmadConfig.from(Map.of("kafka.topic.logs", "fmad-logs")));
        List<String> metricsOnly = operatorUids(FmadConfig.defaults());

        assertThat(uids).containsAll(LOG_OPERATORS);
        assertThat(uids).filteredOn(uid -> uid.contains("sink"))
                .as("log alerts and dead letters leave through the metric branch's sinks")
                .containsExactlyInAnyOrderElementsOf(metricsOnly.stream().filter(uid -> uid.contains("sink")).toList());
    }

    @Test
    void configureExecution_lowersFlinksLatencyDefaults() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

        FmadPipeline.configureExecution(env, FmadConfig.defaults());

        assertThat(env.getBufferTimeout()).isEqualTo(FmadPipeline.DEFAULT_BUFFER_TIMEOUT.toMillis());
        assertThat(env.getConfig().getAutoWatermarkInterval())
                .isEqualTo(FmadPipeline.DEFAULT_WATERMARK_INTERVAL.toMillis());
    }

    @Test
    void configureExecution_keepsLatencySettingsGivenToFlink() {
        Configuration flink = new Configuration();
        flink.setString("execution.buffer-timeout.interval", "250 ms");
        flink.setString("pipeline.auto-watermark-interval", "1 s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);

        FmadPipeline.configureExecution(env, FmadConfig.defaults());

        assertThat(env.getBufferTimeout()).isEqualTo(250);
        assertThat(env.getConfig().getAutoWatermarkInterval()).isEqualTo(1_000);
    }

    @Test
    void detector_isChainedToTheEncoder() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        FmadPipeline.build(env, FmadConfig.defaults());
        StreamGraph graph = env.getStreamGraph();
        StreamNode detector = graph.getStreamNodes().stream()
                .filter(node -> "detector".equals(node.getTransformationUID()))
                .findFirst()
                .orElseThrow();

        assertThat(detector.getInEdges()).singleElement().satisfies(edge -> {
            assertThat(graph.getStreamNode(edge.getSourceId()).getTransformationUID()).isEqualTo("encoder");
            assertThat(edge.getPartitioner()).isInstanceOf(ForwardPartitioner.class);
        });
        assertThat(detector.getStatePartitioners()).as("the detector keeps keyed state").hasSize(1);
    }

    @Test
    void configureExecution_objectReuseDefaultsOn() {
        StreamExecutionEnvironment defaults = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration flink = new Configuration();
        flink.setString("pipeline.object-reuse", "false");
        StreamExecutionEnvironment disabled = StreamExecutionEnvironment.getExecutionEnvironment(flink);

        FmadPipeline.configureExecution(defaults, FmadConfig.defaults());
        FmadPipeline.configureExecution(disabled, FmadConfig.defaults());

        assertThat(defaults.getConfig().isObjectReuseEnabled()).isTrue();
        assertThat(disabled.getConfig().isObjectReuseEnabled()).isFalse();
    }

    private static List<String> operatorUids(FmadConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        FmadPipeline.build(env, config);
        return env.getStreamGraph().getStreamNodes().stream()
                .map(StreamNode::getTransformationUID)
                .filter(uid -> uid != null)
                .collect(Collectors.toList());
    }
}
