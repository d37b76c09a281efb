package io.fmad.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SlidingMaximaTest {

    @Test
    void max_negativeInfinityBeforeAnyValue() {
        SlidingMaxima maxima = SlidingMaxima.create(2, 64);

        assertThat(maxima.isEmpty()).isTrue();
        assertThat(maxima.max(0)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void max_tracksEachTrackerSeparately() {
        SlidingMaxima maxima = SlidingMaxima.create(2, 64);

        maxima.add(new double[] {1.0, -5.0});
        maxima.add(new double[] {3.0, -7.0});
        maxima.add(new double[] {2.0, -6.0});

        assertThat(maxima.isEmpty()).isFalse();
        assertThat(maxima.max(0)).isEqualTo(3.0);
        assertThat(maxima.max(1)).isEqualTo(-5.0);
    }

    @Test
    void max_forgetsValuesOlderThanSpanPlusOneBlock() {
        // span 64: blocks of 2 updates, 32 completed blocks plus the one being filled.
        SlidingMaxima maxima = SlidingMaxima.create(1, 64);
        maxima.add(new double[] {100.0});
        for (int i = 0; i < 64; i++) {
            maxima.add(new double[] {i % 7});
        }

        assertThat(maxima.max(0)).as("65 updates: the first block is still held").isEqualTo(100.0);

        maxima.add(new double[] {0.0});

        assertThat(maxima.max(0)).as("66 updates: its block was overwritten").isEqualTo(6.0);
    }

    @Test
    void add_ignoresNaN() {
        SlidingMaxima maxima = SlidingMaxima.create(2, 8);

        maxima.add(new double[] {Double.NaN, 1.0});

        assertThat(maxima.max(0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(maxima.max(1)).isEqualTo(1.0);
    }

    @Test
    void create_rejectsEmptySpan() {
        assertThatThrownBy(() -> SlidingMaxima.create(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
