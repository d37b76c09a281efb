package io.fmad.job.window;

import io.fmad.avro.MetricEvent;
import io.fmad.job.state.KeyedStateExpiry;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;

/**
 * Keeps, per key, the last {@code windowSize} points in event-time order and emits a {@link
 * SeriesWindow} every {@code slide} points once the first window is full.
 *
 * <p>Events are held until the watermark passes their time and then appended in timestamp order,
 * so events that arrive out of order within the watermark's bound are placed correctly. An event
 * at or behind the watermark is late: it is dropped and counted ({@value #LATE_EVENTS_DROPPED}). A
 * second event with the time of a pending one is dropped and counted ({@value
 * #DUPLICATE_EVENTS_DROPPED}); a duplicate that arrives after the watermark passed the first one
 * is late instead.
 *
 * <p>Every event that reaches this function is therefore appended ({@value #POINTS_APPENDED}),
 * dropped as late or duplicate, or still pending behind the watermark. Each of the three counters
 * is also an accumulator of the same name, so a finished job reports the totals.
 *
 * <p>A key's channels are the value names of its first event (at most {@value
 * #MAX_VALUES_PER_KEY}). A later event that lacks one of them carries that channel's last value
 * forward ({@code valuesCarriedForward}); names it adds are ignored ({@code valuesIgnored}).
 *
 * <p>Each channel is normalized against the key's baseline: an exponentially weighted mean and
 * variance with weight {@code max(1/n, 1/baselineSpan)} for the n-th point, which is the plain
 * running mean until {@code baselineSpan} points and then decays with that span.
 */
public class SlidingWindowFunction extends KeyedProcessFunction<String, MetricEvent, SeriesWindow> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SlidingWindowFunction.class);

    /** Normalized values are clipped to this many baseline standard deviations. */
    public static final float CLIP = 10f;

    /** Most channels one key can have; extra value names are ignored and counted. */
    public static final int MAX_VALUES_PER_KEY = 32;

    /**
     * Distance from the baseline mean, in baseline standard deviations, beyond which a point counts
     * as departed in {@link SeriesWindow#departureStart} and {@link SeriesWindow#departureEnd}.
     */
    public static final double DEPARTURE_SIGMAS = 3.0;

    /** Floor of the baseline standard deviation, relative to the baseline mean's magnitude. */
    private static final double RELATIVE_STDDEV_FLOOR = 1e-6;

    /** Counter and accumulator: events appended to their key's window. */
    public static final String POINTS_APPENDED = "pointsAppended";

    /** Counter and accumulator: events dropped because the watermark had passed their time. */
    public static final String LATE_EVENTS_DROPPED = "lateEventsDropped";

    /** Counter and accumulator: events dropped because a pending event of the key had their time. */
    public static final String DUPLICATE_EVENTS_DROPPED = "duplicateEventsDropped";

    private final int windowSize;
    private final int slide;
    private final int baselineSpan;
    private final Duration stateTtl;

    private transient ValueState<WindowState> state;
    private transient MapState<Long, MetricEvent> pending;

    private transient Counter pointsAppended;
    private transient Counter windowsEmitted;
    private transient Counter lateEventsDropped;
    private transient Counter duplicateEventsDropped;
    private transient Counter valuesCarriedForward;
    private transient Counter valuesIgnored;
    private transient LongCounter pointsAppendedTotal;
    private transient LongCounter lateEventsDroppedTotal;
    private transient LongCounter duplicateEventsDroppedTotal;
    private transient boolean lateWarned;

    /**
     * @param stateTtl processing time after a key's last event at which its state expires; zero
     *     keeps state forever
     */
    public SlidingWindowFunction(int windowSize, int slide, int baselineSpan, Duration stateTtl) {
        if (windowSize < 2) {
            throw new IllegalArgumentException("windowSize must be at least 2, was " + windowSize);
        }
        if (slide < 1 || slide > windowSize) {
            throw new IllegalArgumentException(
                    "slide must be from 1 to windowSize (" + windowSize + "), was " + slide);
        }
        if (baselineSpan < 2) {
            throw new IllegalArgumentException("baselineSpan must be at least 2, was " + baselineSpan);
        }
        this.windowSize = windowSize;
        this.slide = slide;
        this.baselineSpan = baselineSpan;
        this.stateTtl = stateTtl;
    }

    @Override
    public void open(OpenContext openContext) {
        state =
                getRuntimeContext()
                        .getState(
                                KeyedStateExpiry.expireAfterWrite(
                                        new ValueStateDescriptor<>("window", TypeInformation.of(WindowState.class)),
                                        stateTtl));
        // No time-to-live here: every pending event has a timer that removes it once the watermark
        // passes, and TTL's per-access cleanup of a map with many entries made replays 4 times slower.
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "pending", Types.LONG, TypeInformation.of(MetricEvent.class)));

        var metrics = getRuntimeContext().getMetricGroup();
        pointsAppended = metrics.counter(POINTS_APPENDED);
        windowsEmitted = metrics.counter("windowsEmitted");
        lateEventsDropped = metrics.counter(LATE_EVENTS_DROPPED);
        duplicateEventsDropped = metrics.counter(DUPLICATE_EVENTS_DROPPED);
        valuesCarriedForward = metrics.counter("valuesCarriedForward");
        valuesIgnored = metrics.counter("valuesIgnored");

        pointsAppendedTotal = new LongCounter();
        lateEventsDroppedTotal = new LongCounter();
        duplicateEventsDroppedTotal = new LongCounter();
        getRuntimeContext().addAccumulator(POINTS_APPENDED, pointsAppendedTotal);
        getRuntimeContext().addAccumulator(LATE_EVENTS_DROPPED, lateEventsDroppedTotal);
        getRuntimeContext().addAccumulator(DUPLICATE_EVENTS_DROPPED, duplicateEventsDroppedTotal);
    }

    @Override
    public void processElement(MetricEvent event, Context ctx, Collector<SeriesWindow> out)
            throws Exception {
        long timestamp = event.getTimestamp().toEpochMilli();
        long watermark = ctx.timerService().currentWatermark();
        WindowState current = state.value();

        if (timestamp <= watermark || (current != null && timestamp <= current.lastTimestamp)) {
            lateEventsDropped.inc();
            lateEventsDroppedTotal.add(1L);
            if (!lateWarned) {
                lateWarned = true;
                LOG.warn(
                        "Dropping late event of key '{}' at {} (watermark {}); further late events"
                                + " are counted in lateEventsDropped without a log line.",
                        ctx.getCurrentKey(),
                        timestamp,
                        watermark);
            }
            return;
        }
        if (pending.contains(timestamp)) {
            duplicateEventsDropped.inc();
            duplicateEventsDroppedTotal.add(1L);
            LOG.debug("Dropping duplicate event of key '{}' at {}", ctx.getCurrentKey(), timestamp);
            return;
        }
        pending.put(timestamp, event);
        ctx.timerService().registerEventTimeTimer(timestamp);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SeriesWindow> out)
            throws Exception {
        MetricEvent event = pending.get(timestamp);
        if (event == null) {
            return;
        }
        pending.remove(timestamp);

        WindowState current = state.value();
        if (current == null || !current.upgrade()) {
            current = WindowState.create(channelNames(event), windowSize);
        }
        append(current, event, timestamp);
        state.update(current);

        long count = current.count;
        if (count >= windowSize && (count - windowSize) % slide == 0) {
            out.collect(toWindow(ctx.getCurrentKey(), current));
            windowsEmitted.inc();
        }
    }

    private String[] channelNames(MetricEvent event) {
        TreeSet<String> names = new TreeSet<>();
        for (Map.Entry<?, Double> value : event.getValues().entrySet()) {
            names.add(value.getKey().toString());
        }
        while (names.size() > MAX_VALUES_PER_KEY) {
            names.pollLast();
            valuesIgnored.inc();
        }
        return names.toArray(new String[0]);
    }

    private void append(WindowState current, MetricEvent event, long timestamp) {
        int slot = (int) (current.count % windowSize);
        int channels = current.channels();
        Map<?, Double> values = event.getValues();

        int matched = 0;
        for (int c = 0; c < channels; c++) {
            Double value = values.get(current.valueNames[c]);
            double x;
            if (value == null) {
                valuesCarriedForward.inc();
                x = current.lastValues[c];
            } else {
                matched++;
                x = value;
            }
            current.values[c * windowSize + slot] = x;
            current.lastValues[c] = x;
            updateBaseline(current, c, x, baselineSpan);
        }
        if (values.size() > matched) {
            valuesIgnored.inc(values.size() - matched);
        }

        current.setTime(slot, timestamp);
        current.lastTimestamp = timestamp;
        current.count++;
        pointsAppended.inc();
        pointsAppendedTotal.add(1L);
    }

    /**
     * Folds value {@code x} of {@code channel} into the key's baseline. Call it before {@code
     * current.count} counts the point.
     */
    public static void updateBaseline(WindowState current, int channel, double x, int baselineSpan) {
        double alpha = Math.max(1.0 / (current.count + 1), 1.0 / baselineSpan);
        double delta = x - current.baselineMean[channel];
        current.baselineMean[channel] += alpha * delta;
        current.baselineVariance[channel] =
                (1 - alpha) * (current.baselineVariance[channel] + alpha * delta * delta);
    }

    /** Builds the window of the last {@code current.slots()} points of {@code key}. */
    public static SeriesWindow toWindow(String key, WindowState current) {
        int windowSize = current.slots();
        long[] times = current.times();
        int channels = current.channels();
        long count = current.count;
        int oldestSlot = (int) (count % windowSize);

        SeriesWindow window = new SeriesWindow();
        window.key = key;
        window.sequence = count;
        window.windowSize = windowSize;
        window.valueNames = current.valueNames;
        window.start = times[oldestSlot];
        window.end = current.lastTimestamp;
        window.normalized = new float[channels * windowSize];
        window.last = new double[channels];
        window.mean = new double[channels];
        window.min = new double[channels];
        window.max = new double[channels];
        window.baselineMean = new double[channels];
        window.baselineStddev = new double[channels];
        window.minTime = new long[channels];
        window.maxTime = new long[channels];
        window.departureStart = new long[channels];
        window.departureEnd = new long[channels];

        for (int c = 0; c < channels; c++) {
            double baselineMean = current.baselineMean[c];
            double stddev = Math.sqrt(current.baselineVariance[c]);
            double scale =
                    Math.max(stddev, RELATIVE_STDDEV_FLOOR * Math.max(1.0, Math.abs(baselineMean)));
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            long departureStart = SeriesWindow.NO_TIME;
            long departureEnd = SeriesWindow.NO_TIME;

            int slot = oldestSlot;
            for (int i = 0; i < windowSize; i++, slot = slot + 1 == windowSize ? 0 : slot + 1) {
                double x = current.values[c * windowSize + slot];
                long time = times[slot];
                sum += x;
                if (x < min) {
                    window.minTime[c] = time;
                }
                if (x > max) {
                    window.maxTime[c] = time;
                }
                min = Math.min(min, x);
                max = Math.max(max, x);
                double z = (x - baselineMean) / scale;
                if (Math.abs(z) > DEPARTURE_SIGMAS) {
                    if (departureStart == SeriesWindow.NO_TIME) {
                        departureStart = time;
                    }
                    departureEnd = time;
                }
                window.normalized[c * windowSize + i] = (float) Math.max(-CLIP, Math.min(CLIP, z));
            }

            window.last[c] = current.lastValues[c];
            window.mean[c] = sum / windowSize;
            window.min[c] = min;
            window.max[c] = max;
            window.baselineMean[c] = baselineMean;
            window.baselineStddev[c] = stddev;
            window.departureStart[c] = departureStart;
            window.departureEnd[c] = departureEnd;
        }
        return window;
    }
}
