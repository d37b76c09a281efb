package io.fmad.job.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fmad.avro.LogLevel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class NoveltyScorerTest {

    private static final int DIM = 4;

    @Test
    void newTemplateRate_startsAtOneHalf() {
        LogNoveltyState state = TemplateMemory.create(4, DIM);

        assertThat(NoveltyScorer.newTemplateRate(state)).isEqualTo(0.5);
    }

    @Test
    void newTemplateRate_fallsWhileTemplatesRepeat() {
        LogNoveltyState state = TemplateMemory.create(4, DIM);
        NoveltyScorer.countLine(state, true);
        double afterNew = NoveltyScorer.newTemplateRate(state);
        for (int i = 0; i < 999; i++) {
            NoveltyScorer.countLine(state, false);
        }

        assertThat(afterNew).isCloseTo(1.5 / 2, within(1e-9));
        assertThat(NoveltyScorer.newTemplateRate(state)).isCloseTo(1.5 / 1001, within(1e-4));
    }

    @Test
    void newTemplateRate_floorAfterLongQuiet() {
        LogNoveltyState state = TemplateMemory.create(4, DIM);
        for (int i = 0; i < 20 * NoveltyScorer.RATE_SPAN_LINES; i++) {
            NoveltyScorer.countLine(state, false);
        }

        assertThat(NoveltyScorer.newTemplateRate(state))
                .isCloseTo(0.5 / (NoveltyScorer.RATE_SPAN_LINES + 1), within(1e-7));
    }

    @Test
    void score_isOneMinusProbability() {
        NoveltyScorer.Novelty novelty = new NoveltyScorer.Novelty(0.7, 0, 0.004, 0.25, 10.0);

        assertThat(novelty.probability()).isCloseTo(1e-4, within(1e-12));
        assertThat(novelty.score()).isCloseTo(0.9999, within(1e-12));
    }

    @Test
    void score_probabilityCappedAtOne() {
        NoveltyScorer.Novelty novelty = new NoveltyScorer.Novelty(Double.NaN, -1, 0.75, 1.0, 0.5);

        assertThat(novelty.probability()).isEqualTo(1.0);
        assertThat(novelty.score()).isZero();
    }

    @Test
    void score_fartherTemplateScoresHigher() {
        LogNoveltyState state = stateWithArrivals(0.3, 0.5, 0.7);

        double near = NoveltyScorer.score(state, new TemplateMemory.Nearest(0, 0.1), LogLevel.INFO, 10).score();
        double far = NoveltyScorer.score(state, new TemplateMemory.Nearest(0, 0.9), LogLevel.INFO, 10).score();

        assertThat(far).isGreaterThan(near);
    }

    @ParameterizedTest
    @EnumSource(LogLevel.class)
    void score_errorWeightOnlyForErrorAndFatal(LogLevel level) {
        LogNoveltyState state = stateWithArrivals(0.3, 0.5, 0.7);

        NoveltyScorer.Novelty novelty = NoveltyScorer.score(state, new TemplateMemory.Nearest(0, 0.6), level, 10);

        boolean error = level == LogLevel.ERROR || level == LogLevel.FATAL;
        assertThat(novelty.levelWeight()).isEqualTo(error ? 10.0 : 1.0);
    }

    private static LogNoveltyState stateWithArrivals(double... arrivals) {
        LogNoveltyState state = TemplateMemory.create(arrivals.length + 1, DIM);
        float[] embedding = {1, 0, 0, 0};
        TemplateMemory.insert(state, 0, "first", embedding, Double.NaN);
        for (int i = 0; i < arrivals.length; i++) {
            TemplateMemory.insert(state, i + 1, "t" + i, embedding, arrivals[i]);
        }
        for (int i = 0; i < 500; i++) {
            NoveltyScorer.countLine(state, false);
        }
        return state;
    }
}
