package io.fmad.job.ingest;

import io.fmad.avro.DeadLetter;
import io.fmad.avro.MetricEvent;
import io.fmad.connectors.source.IngestedMetric;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits the source's output: valid events go on, rejected records go to {@link #DEAD_LETTERS}.
 * The per-reason counters live in the source's deserializer; this operator keeps the job-wide
 * totals as accumulators, which the local runner prints.
 */
public class DeadLetterRouter extends ProcessFunction<IngestedMetric, MetricEvent> {

    private static final long serialVersionUID = 1L;

    /** Side output of records that failed to deserialize or validate. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    /** Accumulator: records read from the metrics topic, valid or not. */
    public static final String EVENTS_ACCUMULATOR = "eventsIn";

    /** Accumulator: records sent to the dead-letter output. */
    public static final String DEAD_LETTERS_ACCUMULATOR = "deadLetters";

    private transient LongCounter events;
    private transient LongCounter deadLetters;

    @Override
    public void open(OpenContext openContext) {
        events = new LongCounter();
        deadLetters = new LongCounter();
        getRuntimeContext().addAccumulator(EVENTS_ACCUMULATOR, events);
        getRuntimeContext().addAccumulator(DEAD_LETTERS_ACCUMULATOR, deadLetters);
    }

    @Override
    public void processElement(IngestedMetric record, Context ctx, Collector<MetricEvent> out) {
        events.add(1L);
        if (record.isValid()) {
            out.collect(record.event);
        } else {
            deadLetters.add(1L);
            ctx.output(DEAD_LETTERS, record.deadLetter);
        }
    }
}
