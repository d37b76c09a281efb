package io.fmad.job.logs;

import io.fmad.avro.LogEvent;

import org.apache.flink.api.common.functions.MapFunction;

/** Turns each valid {@link LogEvent} into a {@link LogLine} with its template. */
public class LogTemplateFunction implements MapFunction<LogEvent, LogLine> {

    private static final long serialVersionUID = 1L;

    @Override
    public LogLine map(LogEvent event) {
        return new LogLine(
                event.getKey(),
                event.getTimestamp().toEpochMilli(),
                event.getLevel(),
                LogTemplateNormalizer.normalize(event.getMessage()));
    }
}
