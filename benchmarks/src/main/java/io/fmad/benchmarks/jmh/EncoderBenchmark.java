package io.fmad.benchmarks.jmh;

import io.fmad.models.DeviceSelection;
import io.fmad.models.EncoderOutput;
import io.fmad.models.ModelLocation;
import io.fmad.models.SharedModel;
import io.fmad.models.SharedModelRegistry;
import io.fmad.models.WindowEncoder;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One inference call of the default encoder on a batch of windows, on one thread, on the CPU. The
 * score is calls per second; windows per second is the score times {@code batchSize}, which the
 * harness reports.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class EncoderBenchmark {

    @Param({"1", "8", "32", "64", "128", "256"})
    public int batchSize;

    @Param({"io/fmad/models/fmad-ts-fm/3"})
    public String model;

    private SharedModel shared;
    private WindowEncoder encoder;
    private float[][] windows;

    @Setup(Level.Trial)
    public void setUp() {
        shared = SharedModelRegistry.getInstance().acquire(ModelLocation.classpath(model), DeviceSelection.CPU);
        encoder = shared.newEncoder();
        windows = Windows.normalized(batchSize, encoder.descriptor().inputLength(), 7);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoder.close();
        shared.close();
    }

    @Benchmark
    public EncoderOutput encode() {
        return encoder.encode(windows);
    }

    /** Windows of a daily cycle with noise, in the job's normalized units. */
    static final class Windows {
        private Windows() {}

        static float[][] normalized(int count, int length, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            float[][] windows = new float[count][length];
            for (int w = 0; w < count; w++) {
                double phase = random.nextDouble(2 * Math.PI);
                for (int i = 0; i < length; i++) {
                    windows[w][i] = (float) (Math.sin(phase + i * 2 * Math.PI / 48) + 0.3 * (random.nextDouble() - 0.5));
                }
            }
            return windows;
        }
    }
}
