package io.fmad.job.ingest;

import io.fmad.avro.DeadLetter;
import io.fmad.avro.LogEvent;
import io.fmad.connectors.source.IngestedLog;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Splits the logs source's output like {@link DeadLetterRouter} splits the metrics source's:
 * valid events go on, rejected records go to {@link DeadLetterRouter#DEAD_LETTERS}. Its
 * accumulators have their own names, so the job-wide totals of metrics and logs stay apart.
 */
public class LogDeadLetterRouter extends ProcessFunction<IngestedLog, LogEvent> {

    private static final long serialVersionUID = 1L;

    /** Accumulator: records read from the logs topic, valid or not. */
    public static final String LOGS_ACCUMULATOR = "logsIn";

    /** Accumulator: log records sent to the dead-letter output. */
    public static final String DEAD_LETTERS_ACCUMULATOR = "logDeadLetters";

    private transient LongCounter logs;
    private transient LongCounter deadLetters;

    @Override
    public void open(OpenContext openContext) {
        logs = new LongCounter();
        deadLetters = new LongCounter();
        getRuntimeContext().addAccumulator(LOGS_ACCUMULATOR, logs);
        getRuntimeContext().addAccumulator(DEAD_LETTERS_ACCUMULATOR, deadLetters);
    }

    @Override
    public void processElement(IngestedLog record, Context ctx, Collector<LogEvent> out) {
        logs.add(1L);
        if (record.isValid()) {
            out.collect(record.event);
        } else {
            deadLetters.add(1L);
            DeadLetter deadLetter = record.deadLetter;
            ctx.output(DeadLetterRouter.DEAD_LETTERS, deadLetter);
        }
    }
}
