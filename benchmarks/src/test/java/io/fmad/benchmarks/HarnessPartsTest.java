package io.fmad.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** Checks the harness's input, settings and statistics; the measurements themselves run only in scripts/benchmark.sh. */
class HarnessPartsTest {

    @Test
    void syntheticMetrics_repeatInOrder() {
        SyntheticMetrics first = new SyntheticMetrics(50, 1_000_000L);
        SyntheticMetrics second = new SyntheticMetrics(50, 1_000_000L);

        for (int round = 0; round < 100; round++) {
            for (int k = 0; k < 50; k++) {
                assertThat(first.event(k, round)).isEqualTo(second.event(k, round));
            }
            assertThat(first.timestamp(round + 1) - first.timestamp(round)).isEqualTo(SyntheticMetrics.STEP_MILLIS);
        }
    }

    @Test
    void syntheticMetrics_containSpikes() {
        SyntheticMetrics metrics = new SyntheticMetrics(100, 0L);
        int spikes = 0;
        for (int round = 0; round < 1_000; round++) {
            for (int k = 0; k < 100; k++) {
                double level = 50 + (k % 17) + 10 * Math.sin(2 * Math.PI * (round + k) / 1_440.0);
                if (metrics.value(k, round) - level > 8) {
                    spikes++;
                }
            }
        }
        // One event in 2,000 on average: about 50 of 100,000.
        assertThat(spikes).isBetween(25, 100);
    }

    @Test
    void percentiles_useNearestRank() {
        LatencyRun.Percentiles p = LatencyRun.Percentiles.of(List.of(5L, 1L, 4L, 2L, 3L, 6L, 7L, 8L, 9L, 10L));

        assertThat(p.p50()).isEqualTo(5);
        assertThat(p.p99()).isEqualTo(10);
        assertThat(p.max()).isEqualTo(10);
        assertThat(p.samples()).isEqualTo(10);
        assertThat(LatencyRun.Percentiles.of(List.of()).samples()).isZero();
    }

    @Test
    void settings_parseOptionsAndRejectMismatchedRounds() {
        BenchmarkHarness.Settings settings = BenchmarkHarness.Settings.parse(new String[] {
            "--keys", "10,20", "--rounds", "100,70", "--variants", "fmad,rcf",
            "--set", "encoder.batch-size=256", "--flink", "pipeline.auto-watermark-interval=50ms", "--skip-jmh"});

        assertThat(settings.keys).containsExactly(10, 20);
        assertThat(settings.variants).containsExactly(Variant.FMAD, Variant.RANDOM_CUT_FOREST);
        assertThat(settings.jobOptions).isEqualTo(Map.of("encoder.batch-size", "256"));
        assertThat(settings.flinkOptions).isEqualTo(Map.of("pipeline.auto-watermark-interval", "50ms"));
        assertThat(settings.skipJmh).isTrue();

        assertThatThrownBy(() -> BenchmarkHarness.Settings.parse(new String[] {"--keys", "10,20", "--rounds", "100"}))
                .hasMessageContaining("--rounds");
        assertThatThrownBy(() -> BenchmarkHarness.Settings.parse(new String[] {"--variants", "lstm"}))
                .hasMessageContaining("pass-through, fmad and rcf");
        assertThatThrownBy(() -> BenchmarkHarness.Settings.parse(new String[] {"--parallelism", "0"}))
                .hasMessageContaining("positive integer");
    }

    @Test
    void target_skipsWindowFillAndLastRound() {
        JobRun.Plan plan = new JobRun.Plan(Variant.FMAD, new SyntheticMetrics(10, 0L), 100, "in", "out", "id", 2, Map.of());

        assertThat(JobRun.target(plan, 64, 1)).isEqualTo(10L * 36);
        assertThat(JobRun.target(
                new JobRun.Plan(Variant.PASS_THROUGH, new SyntheticMetrics(10, 0L), 100, "in", "out", "id", 2, Map.of()), 64, 1))
                .isEqualTo(1_000);
    }

    @Test
    void fmadTarget_countsOnlyEmittedWindows() {
        // Windows end at a key's events 64, 68, ... 96; event 100 waits for a watermark.
        JobRun.Plan plan = new JobRun.Plan(Variant.FMAD, new SyntheticMetrics(10, 0L), 100, "in", "out", "id", 2, Map.of());
        assertThat(JobRun.target(plan, 64, 4)).isEqualTo(10L * 9);

        JobRun.Plan tooShort = new JobRun.Plan(Variant.FMAD, new SyntheticMetrics(10, 0L), 64, "in", "out", "id", 2, Map.of());
        assertThat(JobRun.target(tooShort, 64, 1)).isZero();
    }

    @Test
    void settings_rejectBadLatencyOptionsAndShortRuns() {
        assertThatThrownBy(() -> BenchmarkHarness.Settings.parse(new String[] {"--latency-load", "abc"}))
                .hasMessageContaining("--latency-load");
        assertThatThrownBy(() -> BenchmarkHarness.Settings.parse(new String[] {"--latency-load", "0"}))
                .hasMessageContaining("--latency-load");
        assertThatThrownBy(() -> BenchmarkHarness.Settings.parse(new String[] {"--latency-out-of-orderness", "1s"}))
                .hasMessageContaining("--latency-out-of-orderness");
        assertThatThrownBy(() -> BenchmarkHarness.Settings.parse(new String[] {"--keys", "10", "--rounds", "50"})
                        .validateJobOptions())
                .hasMessageContaining("--rounds 50");
        assertThatThrownBy(() -> BenchmarkHarness.Settings.parse(new String[] {"--set", "unknown.option=1"})
                        .validateJobOptions())
                .hasMessageContaining("unknown.option");
        assertThatThrownBy(() -> BenchmarkHarness.Settings.parse(new String[] {"--set", "encoder.batch-size=0"})
                        .validateJobOptions())
                .hasMessageStartingWith("Invalid --set:")
                .hasMessageContaining("encoder.batch-size");
        assertThatThrownBy(() -> BenchmarkHarness.Settings.parse(new String[] {"--variants", "fmad,bogus"}))
                .hasMessageContaining("--variants")
                .hasMessageContaining("bogus");
    }
}
