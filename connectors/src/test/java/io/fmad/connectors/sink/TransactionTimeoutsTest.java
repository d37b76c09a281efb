package io.fmad.connectors.sink;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class TransactionTimeoutsTest {

    @Test
    void check_rejectsTimeoutNotAboveCheckpointInterval() {
        assertThatThrownBy(() -> TransactionTimeouts.check(
                        "sink.transaction-timeout", Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(15)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sink.transaction-timeout")
                .hasMessageContaining("PT30S")
                .hasMessageContaining("900000 ms");
    }

    @Test
    void check_acceptsBrokerMaximum() {
        assertThatCode(() -> TransactionTimeouts.check(
                        "sink.transaction-timeout", Duration.ofMinutes(15), Duration.ofSeconds(30), Duration.ofMinutes(15)))
                .doesNotThrowAnyException();
    }

    @Test
    void validate_fallsBackToKafkaDefaultWhenBrokerUnreachable() throws IOException {
        String bootstrap = "127.0.0.1:" + unusedPort();
        Duration queryTimeout = Duration.ofSeconds(1);

        assertThatCode(() -> TransactionTimeouts.validate(
                        "sink.transaction-timeout", Duration.ofMinutes(5), Duration.ofSeconds(10), bootstrap, null, queryTimeout))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> TransactionTimeouts.validate(
                        "sink.transaction-timeout", Duration.ofMinutes(16), Duration.ofSeconds(10), bootstrap, null, queryTimeout))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT16M");
    }

    /** Returns a port that was free a moment ago, so nothing listens on it. */
    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
