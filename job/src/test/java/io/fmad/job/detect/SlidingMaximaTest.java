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
        // span 64: blocks of 8 updates, 8 completed blocks plus the one being filled.
        SlidingMaxima maxima = SlidingMaxima.create(1, 64);
        maxima.add(new double[] {100.0});
        for (int i = 0; i < 70; i++) {
            maxima.add(new double[] {i % 7});
        }

        assertThat(maxima.max(0)).as("71 updates: the first block is still held").isEqualTo(100.0);

        maxima.add(new double[] {0.0});

        assertThat(maxima.max(0)).as("72 updates: its block was overwritten").isEqualTo(6.0);
    }

    @Test
    void mergeBlocks_keepsMaximaOfThirtyTwoBlocks() {
        // Maxima as version 3 wrote them: 32 blocks of 2 updates, for a span of 64.
        SlidingMaxima old = new SlidingMaxima();
        old.trackers = 1;
        old.blockLength = 2;
        old.blocks = new double[32];
        old.current = new double[] {Double.NEGATIVE_INFINITY};
        for (int i = 0; i < 70; i++) {
            double value = i == 10 ? 100.0 : i % 7;
            old.current[0] = Math.max(old.current[0], value);
            if (++old.inBlock == old.blockLength) {
                old.blocks[old.next] = old.current[0];
                old.current[0] = Double.NEGATIVE_INFINITY;
                old.next = (old.next + 1) % old.blocks.length;
                old.filled = Math.min(old.filled + 1, old.blocks.length);
                old.inBlock = 0;
            }
        }
        double before = old.max(0);

        assertThat(old.mergeBlocks()).isTrue();

        assertThat(old.blocks).hasSize(SlidingMaxima.BLOCKS);
        assertThat(old.blockLength).isEqualTo(2 * 32 / SlidingMaxima.BLOCKS);
        assertThat(old.filled).isEqualTo(SlidingMaxima.BLOCKS);
        assertThat(before).isEqualTo(100.0);
        assertThat(old.max(0)).as("the maximum over the span is unchanged").isEqualTo(before);
        for (int i = 0; i < 64; i++) {
            old.add(new double[] {0.0});
        }
        assertThat(old.max(0)).as("merged blocks age out like new ones").isLessThan(100.0);
    }

    @Test
    void mergeBlocks_rejectsOtherLayouts() {
        SlidingMaxima maxima = SlidingMaxima.create(2, 64);
        maxima.blocks = new double[3];

        assertThat(maxima.canMergeBlocks()).isFalse();
        assertThat(maxima.mergeBlocks()).isFalse();
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
