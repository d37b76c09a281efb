package io.fmad.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fmad.connectors.testing.TestRecords;

class MetricValidatorTest {

    private final MetricValidator validator =
            new MetricValidator(Duration.ofMinutes(5), Clock.fixed(TestRecords.T0, ZoneOffset.UTC));

    @Test
    void validate_acceptsEventAtSkewLimit() {
        assertThat(validator.validate(TestRecords.metric("k", TestRecords.T0.plus(Duration.ofMinutes(5)), Map.of("v", 1.0))))
                .isEmpty();
    }

    @Test
    void validate_rejectsEventJustPastSkew() {
        Instant late = TestRecords.T0.plus(Duration.ofMinutes(5)).plusMillis(1);

        assertThat(validator.validate(TestRecords.metric("k", late, Map.of("v", 1.0))))
                .get()
                .extracting(Rejection::reason)
                .isEqualTo(RejectReason.TIMESTAMP_IN_FUTURE);
    }

    @Test
    void validate_namesNonFiniteValue() {
        assertThat(validator.validate(TestRecords.metric("k", TestRecords.T0, Map.of("latency", Double.NEGATIVE_INFINITY))))
                .get()
                .extracting(Rejection::message)
                .asString()
                .contains("latency")
                .contains("-Infinity");
    }

    @Test
    void constructor_rejectsNegativeSkew() {
        assertThatThrownBy(() -> new MetricValidator(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-1S");
    }

    @Test
    void constructor_rejectsNonSerializableClock() {
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.EPOCH;
            }
        };

        assertThatThrownBy(() -> new MetricValidator(Duration.ZERO, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Serializable");
    }
}
