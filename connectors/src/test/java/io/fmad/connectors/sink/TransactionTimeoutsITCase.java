package io.fmad.connectors.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fmad.connectors.kafka.EmbeddedKafkaBroker;
import io.fmad.connectors.testing.SharedKafkaBroker;

@ExtendWith(SharedKafkaBroker.class)
class TransactionTimeoutsITCase {

    private static final String OPTION = "sink.transaction-timeout";

    @Test
    void queryBrokerMaximum_readsBrokerDefault(EmbeddedKafkaBroker broker) {
        assertThat(TransactionTimeouts.queryBrokerMaximum(broker.bootstrapServers(), null, Duration.ofSeconds(10)))
                .isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void validate_rejectsOneHour(EmbeddedKafkaBroker broker) {
        assertThatThrownBy(() -> TransactionTimeouts.validate(
                        OPTION, Duration.ofHours(1), Duration.ofSeconds(30), broker.bootstrapServers(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(OPTION)
                .hasMessageContaining("PT1H")
                .hasMessageContaining("900000 ms");
    }

    @Test
    void validate_acceptsFiveMinutes(EmbeddedKafkaBroker broker) {
        assertThatCode(() -> TransactionTimeouts.validate(
                        OPTION, Duration.ofMinutes(5), Duration.ofSeconds(30), broker.bootstrapServers(), null))
                .doesNotThrowAnyException();
    }
}
