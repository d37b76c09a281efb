package io.fmad.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmad.avro.DeadLetter;
import io.fmad.avro.LogEvent;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.testing.TestRecords;

/**
 * Feeds the metric and log deserializers random byte arrays and mutations of valid records, with
 * fixed seeds. Every input must give exactly one output, either a valid event or a dead letter with a
 * reason, and no exception may escape. The outcome counts are logged at INFO.
 */
class MetricEventDeserializerFuzzTest {

    private static final Logger LOG = LoggerFactory.getLogger(MetricEventDeserializerFuzzTest.class);

    private static final int RANDOM_CASES = 5_000;
    private static final int MUTATION_CASES = 5_000;
    private static final Instant NOW = TestRecords.T0;
    private static final SingleObjectCodec<MetricEvent> CODEC = SingleObjectCodec.forClass(MetricEvent.class);

    /** The two-byte single-object marker and the fingerprint of the current MetricEvent schema. */
    private static final byte[] HEADER = Arrays.copyOf(CODEC.encode(TestRecords.metric("h", 1.0)), 10);

    private final MetricEventDeserializer deserializer =
            new MetricEventDeserializer(new MetricValidator(Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC)));

    @Test
    void randomBytes_validOrDeadLettered() {
        Random random = new Random(20_240_301L);
        Outcomes outcomes = new Outcomes();

        for (int i = 0; i < RANDOM_CASES; i++) {
            byte[] value = new byte[random.nextInt(256)];
            random.nextBytes(value);
            if (i % 2 == 1 && value.length >= HEADER.length) {
                // Half the cases carry a valid header, so that the body decoder sees random bytes.
                System.arraycopy(HEADER, 0, value, 0, HEADER.length);
            }
            outcomes.add(deserializeOne(value));
        }

        outcomes.log("metric", "random byte arrays");
        assertThat(outcomes.total()).isEqualTo(RANDOM_CASES);
        assertThat(outcomes.deadLetters(RejectReason.NOT_AVRO)).isPositive();
        assertThat(outcomes.deadLetters(RejectReason.MALFORMED)).isPositive();
    }

    @Test
    void mutatedRecords_validOrDeadLettered() {
        Random random = new Random(19_700_101L);
        List<byte[]> seeds = validRecords();
        Outcomes outcomes = new Outcomes();

        for (int i = 0; i < MUTATION_CASES; i++) {
            byte[] seed = seeds.get(random.nextInt(seeds.size()));
            byte[] value = mutate(seed, random);
            outcomes.add(deserializeOne(value));
        }

        outcomes.log("metric", "mutated valid records");
        assertThat(outcomes.total()).isEqualTo(MUTATION_CASES);
        assertThat(outcomes.valid).isPositive();
        assertThat(outcomes.deadLetters(RejectReason.MALFORMED)).isPositive();
    }

    @Test
    void logRecords_validOrDeadLettered() {
        Random random = new Random(86_400L);
        SingleObjectCodec<LogEvent> logCodec = SingleObjectCodec.forClass(LogEvent.class);
        List<byte[]> seeds = List.of(
                logCodec.encode(TestRecords.log()),
                logCodec.encode(LogEvent.newBuilder(TestRecords.log()).setMessage("disk /dev/sda1 at 97% ✓").build()));
        LogEventDeserializer logDeserializer =
                new LogEventDeserializer(new LogValidator(Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC)));
        Outcomes outcomes = new Outcomes();

        for (int i = 0; i < RANDOM_CASES + MUTATION_CASES; i++) {
            byte[] value;
            if (i < RANDOM_CASES) {
                value = new byte[random.nextInt(256)];
                random.nextBytes(value);
            } else {
                value = mutate(seeds.get(random.nextInt(seeds.size())), random);
            }
            List<IngestedLog> out = new ArrayList<>();
            try {
                logDeserializer.deserialize(record(value), collectorOf(out));
            } catch (Throwable t) {
                fail("log deserializer threw for value " + Arrays.toString(value), t);
            }
            assertThat(out).as("outputs for value %s", Arrays.toString(value)).hasSize(1);
            outcomes.add(out.get(0).isValid(), out.get(0).deadLetter);
        }

        outcomes.log("log", "random byte arrays and mutated log records");
        assertThat(outcomes.total()).isEqualTo(RANDOM_CASES + MUTATION_CASES);
        assertThat(outcomes.valid).isPositive();
    }

    /** Applies one of: bit flips, truncation, extension, or overwriting bytes of the body. */
    private static byte[] mutate(byte[] seed, Random random) {
        byte[] value = seed.clone();
        switch (random.nextInt(5)) {
            case 0 -> {
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    int bit = random.nextInt(value.length * 8);
                    value[bit / 8] ^= (byte) (1 << (bit % 8));
                }
            }
            case 1 -> value = Arrays.copyOf(value, random.nextInt(value.length));
            case 2 -> {
                byte[] extra = new byte[1 + random.nextInt(64)];
                random.nextBytes(extra);
                byte[] extended = Arrays.copyOf(value, value.length + extra.length);
                System.arraycopy(extra, 0, extended, value.length, extra.length);
                value = extended;
            }
            case 3 -> {
                // Overwrite one body byte, which often hits a length or count varint.
                int position = HEADER.length + random.nextInt(value.length - HEADER.length);
                value[position] = (byte) random.nextInt(256);
            }
            default -> {
                // Write a maximal varint (a huge length or count) at a random body position.
                int position = HEADER.length + random.nextInt(value.length - HEADER.length);
                for (int b = position; b < Math.min(value.length, position + 5); b++) {
                    value[b] = (byte) (b == position + 4 ? 0x0F : 0xFF);
                }
            }
        }
        return value;
    }

    private static List<byte[]> validRecords() {
        List<byte[]> records = new ArrayList<>();
        records.add(CODEC.encode(TestRecords.metric("host-1", 0.5)));
        // Sorted maps, because Map.of iterates in an order that changes between JVM runs, and so
        // would the encoded bytes and the fuzz outcomes.
        records.add(CODEC.encode(TestRecords.metric("k", NOW, new TreeMap<>(Map.of("cpu", 1.0, "mem", -2.5, "disk", 1e300)))));
        records.add(CODEC.encode(MetricEvent.newBuilder(TestRecords.metric("ключ-✓", 3.0))
                .setTags(new TreeMap<>(Map.of("region", "eu-west", "host", "h-" + "x".repeat(40))))
                .build()));
        records.add(CODEC.encode(TestRecords.metric("epoch", Instant.EPOCH, Map.of("v", 0.0))));
        return records;
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>(
                "metrics", 0, 0L, NOW.toEpochMilli(), TimestampType.CREATE_TIME,
                0, value.length, "k".getBytes(StandardCharsets.UTF_8), value, new RecordHeaders(), Optional.empty());
    }

    private static <T> Collector<T> collectorOf(List<T> out) {
        return new Collector<>() {
            @Override
            public void collect(T item) {
                out.add(item);
            }

            @Override
            public void close() {}
        };
    }

    private IngestedMetric deserializeOne(byte[] value) {
        List<IngestedMetric> out = new ArrayList<>();
        try {
            deserializer.deserialize(record(value), collectorOf(out));
        } catch (Throwable t) {
            fail("deserializer threw for value " + Arrays.toString(value), t);
        }
        assertThat(out).as("outputs for value %s", Arrays.toString(value)).hasSize(1);
        return out.get(0);
    }

    /** Counts of valid events and of dead letters by reason. */
    private static final class Outcomes {
        long valid;
        final Map<RejectReason, Long> deadLetters = new EnumMap<>(RejectReason.class);

        void add(IngestedMetric result) {
            if (result.isValid()) {
                assertThat(result.event).isNotNull();
            } else {
                assertThat(result.event).isNull();
            }
            add(result.isValid(), result.deadLetter);
        }

        void add(boolean isValid, DeadLetter deadLetter) {
            if (isValid) {
                assertThat(deadLetter).isNull();
                valid++;
                return;
            }
            RejectReason reason = RejectReason.valueOf(deadLetter.getReason());
            assertThat(deadLetter.getError()).isNotBlank();
            deadLetters.merge(reason, 1L, Long::sum);
        }

        long deadLetters(RejectReason reason) {
            return deadLetters.getOrDefault(reason, 0L);
        }

        long total() {
            return valid + deadLetters.values().stream().mapToLong(Long::longValue).sum();
        }

        void log(String deserializer, String cases) {
            LOG.info("Fuzzed the {} deserializer with {} {}: {} valid, dead letters {}", deserializer, total(), cases, valid, deadLetters);
        }
    }
}
