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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * <p>Pending events wait in the key's {@link WindowState}, with their values in the order of the
 * key's channels, so an event costs one state access when it arrives and one when it is appended.
 * A key has one event-time timer, at its earliest pending event, not one per event: when it fires,
 * every pending event the watermark has passed is appended. If the key's state expires ({@code
 * state.ttl} without a write) while events wait, because the watermark stalled that long, the
 * events are lost with it, and the timer counts it in {@value #WAITING_EVENTS_EXPIRED}.
 *
 * <p>Every event that reaches this function is therefore appended ({@value #POINTS_APPENDED}),
 * dropped as late or duplicate, or still pending behind the watermark. Each of the three counters
 * is also an accumulator of the same name, so a finished job reports the totals.
 *
 * <p>A key's channels are the value names of its first point, its earliest event (at most {@value
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

    /**
     * Counter: timers that found their key's window state expired while events waited. Each stands
     * for at least one waiting event lost with the expired state.
     */
    public static final String WAITING_EVENTS_EXPIRED = "waitingEventsExpired";

    /** Counter and accumulator: events dropped because a pending event of the key had their time. */
    public static final String DUPLICATE_EVENTS_DROPPED = "duplicateEventsDropped";

    private final int windowSize;
    private final int slide;
    private final int baselineSpan;
    private final Duration stateTtl;

    private transient ValueState<WindowState> state;
    private transient MapState<Long, MetricEvent> legacyPending;

    private transient Counter pointsAppended;
    private transient Counter windowsEmitted;
    private transient Counter lateEventsDropped;
    private transient Counter duplicateEventsDropped;
    private transient Counter valuesCarriedForward;
    private transient Counter valuesIgnored;
    private transient Counter waitingEventsExpired;
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
        // Before state version 3, waiting events had a map state of their own. It is read once per
        // key restored from such state, and stays empty otherwise.
        legacyPending =
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
        waitingEventsExpired = metrics.counter(WAITING_EVENTS_EXPIRED);

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
        // Behind the watermark is late whatever the state holds, so the state is not even read:
        // a replay of old data for new keys would otherwise build state for every late event.
        if (timestamp <= watermark) {
            dropLate(ctx, timestamp, watermark);
            return;
        }
        WindowState current = current(ctx, event);
        if (timestamp <= current.lastTimestamp) {
            dropLate(ctx, timestamp, watermark);
            return;
        }
        int found = current.findPending(timestamp);
        if (found >= 0) {
            duplicateEventsDropped.inc();
            duplicateEventsDroppedTotal.add(1L);
            LOG.debug("Dropping duplicate event of key '{}' at {}", ctx.getCurrentKey(), timestamp);
            return;
        }
        int index = -found - 1;
        if (current.count == 0) {
            current = withNamesOf(current, event.getValues());
        }
        addPending(current, index, timestamp, event.getValues());
        state.update(current);
        if (index == 0) {
            // The key's one timer moves to the new earliest waiting event; see onTimer.
            ctx.timerService().registerEventTimeTimer(timestamp);
            if (current.pendingCount > 1) {
                ctx.timerService().deleteEventTimeTimer(current.pendingTimes[1]);
            }
        }
    }

    private void dropLate(Context ctx, long timestamp, long watermark) {
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
    }

    /**
     * Appends every waiting event that the watermark has passed, in time order, and emits the windows
     * they complete. Then registers a timer for the earliest event still waiting, so that while any
     * event waits, a timer at its time exists. Timers of state version 2, one per event, find
     * nothing to do once an earlier timer appended their events.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SeriesWindow> out)
            throws Exception {
        WindowState current = current(ctx, null);
        if (current == null) {
            // Only a key whose window state expired (state.ttl without a write) while events
            // waited, because the watermark stalled that long, has a timer and no state.
            waitingEventsExpired.inc();
            return;
        }
        if (current.pendingCount == 0) {
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        if (current.count == 0 && current.pendingTimes[0] <= watermark) {
            current = withChannelsOfEarliest(current);
        }
        int ready = 0;
        while (ready < current.pendingCount && current.pendingTimes[ready] <= watermark) {
            append(current, ready, current.pendingTimes[ready]);
            ready++;
            long count = current.count;
            if (count >= windowSize && (count - windowSize) % slide == 0) {
                out.collect(toWindow(ctx.getCurrentKey(), current));
                windowsEmitted.inc();
            }
        }
        current.removePending(ready);
        state.update(current);
        if (current.pendingCount > 0) {
            ctx.timerService().registerEventTimeTimer(current.pendingTimes[0]);
        }
    }

    /**
     * Returns the key's state at {@link WindowState#CURRENT_VERSION}. A key without state gets new
     * state with the value names of {@code event} as channels, until its first point fixes them. That
     * state is stored only once an event waits in it. State of an older version, and a key that had
     * only waiting events then, gets the waiting events of the old map state moved in. Returns null
     * only when {@code event} is null and the key has no state.
     */
    private WindowState current(Context ctx, MetricEvent event) throws Exception {
        WindowState current = state.value();
        if (current != null && current.version == WindowState.CURRENT_VERSION) {
            return current;
        }
        List<Map.Entry<Long, MetricEvent>> waiting = drainLegacyPending();
        boolean changed = !waiting.isEmpty();
        if (current != null) {
            if (current.upgrade()) {
                changed = true;
            } else {
                current = null; // a layout this code does not know: the key starts over
            }
        }
        if (current == null) {
            MetricEvent first = waiting.isEmpty() ? event : waiting.get(0).getValue();
            if (first == null) {
                return null;
            }
            current = WindowState.create(channelNames(first), windowSize);
        }
        for (Map.Entry<Long, MetricEvent> entry : waiting) {
            int found = current.findPending(entry.getKey());
            if (found < 0 && entry.getKey() > current.lastTimestamp) {
                addPending(current, -found - 1, entry.getKey(), entry.getValue().getValues());
            }
        }
        if (changed) {
            state.update(current);
            if (current.pendingCount > 0) {
                ctx.timerService().registerEventTimeTimer(current.pendingTimes[0]);
            }
        }
        return current;
    }

    /** Removes and returns, by time, the waiting events that state before version 3 kept in map state. */
    private List<Map.Entry<Long, MetricEvent>> drainLegacyPending() throws Exception {
        if (legacyPending.isEmpty()) {
            return List.of();
        }
        List<Map.Entry<Long, MetricEvent>> waiting = new ArrayList<>();
        for (Map.Entry<Long, MetricEvent> entry : legacyPending.entries()) {
            waiting.add(Map.entry(entry.getKey(), entry.getValue()));
        }
        waiting.sort(Map.Entry.comparingByKey());
        legacyPending.clear();
        return waiting;
    }

    /** Stores an event's values in the order of the key's channels, NaN for those it lacks. */
    private void addPending(WindowState current, int index, long timestamp, Map<String, Double> values) {
        int offset = current.insertPending(index, timestamp);
        int channels = current.channels();
        int matched = 0;
        for (int c = 0; c < channels; c++) {
            Double value = values.get(current.valueNames[c]);
            if (value == null) {
                current.pendingValues[offset + c] = Double.NaN;
            } else {
                matched++;
                current.pendingValues[offset + c] = value;
            }
        }
        if (values.size() > matched) {
            valuesIgnored.inc(values.size() - matched);
        }
    }

    /**
     * Returns state whose channels also include the value names in {@code values}, for a key with no
     * point yet: its channels are fixed only when its first point, the earliest event, is appended
     * ({@link #withChannelsOfEarliest}). Until then they are the names of every waiting event, at most
     * {@value #MAX_VALUES_PER_KEY}.
     */
    private WindowState withNamesOf(WindowState current, Map<String, Double> values) {
        TreeSet<String> names = new TreeSet<>(Arrays.asList(current.valueNames));
        if (names.containsAll(values.keySet())) {
            return current;
        }
        for (String name : values.keySet()) {
            if (names.size() < MAX_VALUES_PER_KEY || names.contains(name)) {
                names.add(name);
            }
        }
        return withChannels(current, names.toArray(new String[0]));
    }

    /**
     * Returns state whose channels are the value names of the earliest waiting event, before it
     * becomes the key's first point. Values of the other waiting events under other names are
     * ignored and counted.
     */
    private WindowState withChannelsOfEarliest(WindowState current) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < current.channels(); c++) {
            if (!Double.isNaN(current.pendingValues[c])) {
                names.add(current.valueNames[c]);
            }
        }
        return withChannels(current, names.toArray(new String[0]));
    }

    /**
     * Returns new state, with no point, whose channels are {@code names} (sorted) and whose waiting
     * events are those of {@code current}, their values moved by name. Values under names that
     * {@code names} lacks are counted as ignored.
     */
    private WindowState withChannels(WindowState current, String[] names) {
        if (Arrays.equals(names, current.valueNames)) {
            return current;
        }
        WindowState next = WindowState.create(names, windowSize);
        int oldChannels = current.channels();
        for (int i = 0; i < current.pendingCount; i++) {
            int offset = next.insertPending(i, current.pendingTimes[i]);
            Arrays.fill(next.pendingValues, offset, offset + names.length, Double.NaN);
            for (int c = 0; c < oldChannels; c++) {
                double value = current.pendingValues[i * oldChannels + c];
                int channel = Arrays.binarySearch(names, current.valueNames[c]);
                if (channel >= 0) {
                    next.pendingValues[offset + channel] = value;
                } else if (!Double.isNaN(value)) {
                    valuesIgnored.inc();
                }
            }
        }
        return next;
    }

    private String[] channelNames(MetricEvent event) {
        TreeSet<String> names = new TreeSet<>();
        for (Map.Entry<?, Double> value : event.getValues().entrySet()) {
            names.add(value.getKey().toString());
        }
        while (names.size() > MAX_VALUES_PER_KEY) {
            names.pollLast();
        }
        return names.toArray(new String[0]);
    }

    /** Appends waiting event {@code index}; a value it lacks carries the channel's last value forward. */
    private void append(WindowState current, int index, long timestamp) {
        int slot = (int) (current.count % windowSize);
        int channels = current.channels();
        int offset = index * channels;

        for (int c = 0; c < channels; c++) {
            double x = current.pendingValues[offset + c];
            if (Double.isNaN(x)) {
                valuesCarriedForward.inc();
                x = current.lastValues[c];
            }
            current.values[c * windowSize + slot] = x;
            current.lastValues[c] = x;
            updateBaseline(current, c, x, baselineSpan);
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
