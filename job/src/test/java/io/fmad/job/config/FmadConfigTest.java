package io.fmad.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmad.job.detect.DetectorSignal;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

class FmadConfigTest {

    @Test
    void defaults_valid() {
        FmadConfig config = FmadConfig.defaults();

        assertThat(config.windowSize).isEqualTo(64);
        assertThat(config.deliveryGuarantee).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(config.transactionTimeout).isGreaterThan(config.checkpointInterval);
        assertThat(config.signals).containsExactlyInAnyOrder(DetectorSignal.values());
        assertThat(config.signalsConfigured).isFalse();
    }

    @Test
    void typedValues_parsed() {
        FmadConfig config =
                FmadConfig.from(
                        Map.of(
                                "window.size", "32",
                                "encoder.batch-max-wait", "50 ms",
                                "kafka.delivery-guarantee", "at-least-once",
                                "detector.signals", " Reconstruction; forecast ",
                                "kafka.properties.security.protocol", "SASL_SSL"));

        assertThat(config.windowSize).isEqualTo(32);
        assertThat(config.batchMaxWait).isEqualTo(Duration.ofMillis(50));
        assertThat(config.deliveryGuarantee).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(config.kafkaProperties.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(config.signals).containsExactly(DetectorSignal.RECONSTRUCTION, DetectorSignal.FORECAST);
        assertThat(config.signalsConfigured).isTrue();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "window.size|1|an integer from 2 to 4096",
                "window.size|sixty|expected an integer",
                "window.slide|65|an integer from 1 to 64",
                "detector.threshold|1.0|strictly between 0 and 1",
                "detector.level-points|100|an integer from 1 to 64",
                "detector.signals|reconstruction,knn|a comma-separated list of [reconstruction, forecast, seasonal, level, range]",
                "detector.signals| , |a comma-separated list of",
                "detector.signals|level,,range|empty signal name",
                "detector.range-margin|0.0|a number above 0 and at most 100",
                "encoder.batch-size|0|an integer from 1 to 65536",
                "encoder.batch-max-wait|0 ms|a positive duration",
                "encoder.batch-max-wait|soon|expected a duration",
                "encoder.device|TPU|expected one of [AUTO, CPU, GPU]",
                "kafka.transaction-timeout|5 s|above checkpoint.interval",
                "checkpoint.timeout|10 min|below kafka.transaction-timeout (10 min)",
                "state.ttl|-1 s|expected a duration",
                "state.ttl|5|a duration with a unit",
                "kafka.bootstrap-servers| |a non-empty string",
                "kafka.topic.metrics|fmad-alerts|distinct from kafka.topic.alerts",
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
    void unknownKey_rejected() {
        assertThatThrownBy(() -> FmadConfig.from(Map.of("window.sise", "64")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window.sise");
    }

    @Test
    void loader_mergesFileAndOverrides(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fmad.yaml");
        Files.writeString(file, "# settings\nwindow.size: 32\ndetector.threshold: \"0.99\"\nkafka.topic.alerts=alerts\n");

        Map<String, String> settings =
                ConfigLoader.load(new String[] {"--config", file.toString(), "--window.size", "16", "--job.name=x"});
        FmadConfig config = FmadConfig.from(settings);

        assertThat(config.windowSize).isEqualTo(16);
        assertThat(config.threshold).isEqualTo(0.99);
        assertThat(config.alertsTopic).isEqualTo("alerts");
        assertThat(config.jobName).isEqualTo("x");
    }

    @Test
    void loader_dropsEndOfLineComments(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fmad.yaml");
        Files.writeString(file, "window.size: 32   # points per window\n"
                + "kafka.topic.alerts: \"alerts#1\"  # quoted, so the first # stays\n"
                + "job.name: fmad#prod\n");

        FmadConfig config = FmadConfig.from(ConfigLoader.readFile(file));

        assertThat(config.windowSize).isEqualTo(32);
        assertThat(config.alertsTopic).isEqualTo("alerts#1");
        assertThat(config.jobName).as("a # without a blank before it is part of the value").isEqualTo("fmad#prod");
    }

    @Test
    void loader_rejectsMissingFileAndBareArgument(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--config", dir.resolve("none.yaml").toString()}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Config file not found");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"window.size"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'window.size'");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--window.size"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Missing value");
    }

    @Test
    void describeOptions_listsEveryOption() {
        String help = ConfigLoader.describeOptions();

        for (var option : FmadOptions.ALL) {
            assertThat(help).contains("--" + option.key());
        }
    }
}
