package io.fmad.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmad.avro.LogEvent;
import io.fmad.job.local.LogGenerator.Injection;
import io.fmad.job.local.LogGenerator.Service;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

class LogGeneratorTest {

    private static final Instant START = Instant.parse("2024-03-01T00:00:00Z");
    private static final int LINES = 1_000;

    private static final Map<String, Service> KEYS =
            Map.of(
                    "host-01", Service.API,
                    "host-02", Service.DATABASE,
                    "host-03", Service.WORKER,
                    "host-04", Service.API);

    @Test
    void anomalies_onePerKeyInLastHalf() {
        List<Injection> injections = new LogGenerator(5).anomalies(KEYS, LINES);

        assertThat(injections).extracting(Injection::key).containsExactly("host-01", "host-02", "host-03", "host-04");
        for (Injection injection : injections) {
            assertThat(injection.position()).as("position of %s", injection.key()).isBetween(LINES / 2, LINES * 9 / 10);
            assertThat(injection.kind()).isIn(LogGenerator.NEW_ERROR_KIND, LogGenerator.UNUSUAL_MESSAGE);
        }
    }

    @Test
    void anomalies_keysOfOneServiceTakeTurns() {
        List<Injection> injections = new LogGenerator(5).anomalies(KEYS, LINES);

        Injection firstApi = injections.get(0);
        Injection secondApi = injections.get(3);
        assertThat(firstApi.message()).isNotEqualTo(secondApi.message());
    }

    @Test
    void anomalies_rejectEmptyStream() {
        assertThatThrownBy(() -> new LogGenerator(5).anomalies(KEYS, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lines must be at least 1, was 0");
    }

    @Test
    void generate_placesInjectionsAtLineTime() {
        LogGenerator generator = new LogGenerator(5);
        List<Injection> injections = generator.anomalies(KEYS, LINES);
        List<LogEvent> events = generator.generate(KEYS, LINES, START, injections);

        assertThat(events).hasSize(LINES * KEYS.size());
        for (Injection injection : injections) {
            Instant time = LogGenerator.lineTime(KEYS.keySet(), START, injection.key(), injection.position());
            List<LogEvent> atTime = events.stream()
                    .filter(event -> event.getKey().equals(injection.key()) && event.getTimestamp().equals(time))
                    .collect(Collectors.toList());
            assertThat(atTime).as("lines of %s at %s", injection.key(), time).hasSize(1);
            assertThat(atTime.get(0).getMessage()).isEqualTo(injection.message());
            assertThat(atTime.get(0).getLevel()).isEqualTo(injection.level());
        }
    }

    @Test
    void generate_mergesKeysInTimeOrder() {
        List<LogEvent> events = new LogGenerator(5).generate(KEYS, 50, START, List.of());

        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).getTimestamp()).isAfter(events.get(i - 1).getTimestamp());
        }
        assertThat(events.get(0).getTimestamp()).isEqualTo(START);
    }

    @Test
    void generate_sameSeedSameStream() {
        List<LogEvent> first = generateWithAnomalies(9);
        List<LogEvent> second = generateWithAnomalies(9);
        List<LogEvent> other = generateWithAnomalies(10);

        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void lineTime_rejectsUnknownKey() {
        assertThatThrownBy(() -> LogGenerator.lineTime(KEYS.keySet(), START, "host-99", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host-99");
    }

    private static List<LogEvent> generateWithAnomalies(long seed) {
        LogGenerator generator = new LogGenerator(seed);
        return generator.generate(KEYS, 200, START, generator.anomalies(KEYS, 200));
    }
}
