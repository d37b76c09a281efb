package io.fmad.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

class LogConfigTest {

    @Test
    void defaults_logsOff() {
        LogConfig logs = FmadConfig.defaults().logs;

        assertThat(logs.enabled()).isFalse();
        assertThat(logs.logsTopic).isNull();
        assertThat(logs.threshold).isEqualTo(0.998);
        assertThat(logs.warmUp).isEqualTo(500);
        assertThat(logs.memorySize).isEqualTo(128);
        assertThat(logs.cooldown).isEqualTo(Duration.ofMinutes(1));
        assertThat(logs.errorWeight).isEqualTo(10.0);
        assertThat(logs.cacheSize).isEqualTo(10_000);
        assertThat(logs.maxTokens).isEqualTo(128);
    }

    @Test
    void typedValues_parsed() {
        LogConfig logs =
                FmadConfig.from(
                                Map.of(
                                        "kafka.topic.logs", "app-logs",
                                        "logs.threshold", "0.9995",
                                        "logs.warm-up", "0",
                                        "logs.memory-size", "16",
                                        "logs.cooldown", "0 s",
                                        "logs.error-weight", "1",
                                        "logs.cache-size", "0",
                                        "logs.max-tokens", "32"))
                        .logs;

        assertThat(logs.enabled()).isTrue();
        assertThat(logs.logsTopic).isEqualTo("app-logs");
        assertThat(logs.threshold).isEqualTo(0.9995);
        assertThat(logs.warmUp).isZero();
        assertThat(logs.memorySize).isEqualTo(16);
        assertThat(logs.cooldown).isEqualTo(Duration.ZERO);
        assertThat(logs.errorWeight).isEqualTo(1.0);
        assertThat(logs.cacheSize).isZero();
        assertThat(logs.maxTokens).isEqualTo(32);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "kafka.topic.logs| |a non-empty string",
                "kafka.topic.logs|fmad-metrics|distinct from kafka.topic.metrics",
                "kafka.topic.logs|fmad-alerts|distinct from kafka.topic.metrics, kafka.topic.alerts",
                "kafka.topic.logs|fmad-dead-letters|kafka.topic.dead-letters",
                "logs.threshold|0.0|strictly between 0 and 1",
                "logs.threshold|1.5|strictly between 0 and 1",
                "logs.threshold|high|expected a number",
                "logs.warm-up|-1|an integer of at least 0",
                "logs.memory-size|0|an integer from 1 to 100000",
                "logs.memory-size|100001|an integer from 1 to 100000",
                "logs.cooldown|-1 s|expected a duration",
                "logs.cooldown|later|expected a duration",
                "logs.error-weight|0.5|a number from 1 to 1000000",
                "logs.error-weight|NaN|a number from 1 to 1000000",
                "logs.cache-size|-1|an integer from 0 to 10000000",
                "logs.max-tokens|1|an integer from 2 to 512",
                "logs.max-tokens|513|an integer from 2 to 512",
            })
    void invalidValue_rejectedNamingOptionAndValue(String key, String value, String accepted) {
        String setting = value == null ? "" : value;

        assertThatThrownBy(() -> FmadConfig.from(Map.of(key, setting)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + key + "'")
                .hasMessageContaining("'" + setting.trim() + "'")
                .hasMessageContaining(accepted);
    }

    @Test
    void describeOptions_listsLogOptionsWithoutDefaultTopic() {
        String help = ConfigLoader.describeOptions();

        for (var option : LogOptions.ALL) {
            assertThat(help).contains("--" + option.key());
        }
        assertThat(help).contains("--kafka.topic.logs (default: none)");
    }
}
