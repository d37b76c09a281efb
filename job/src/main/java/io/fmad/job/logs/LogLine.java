package io.fmad.job.logs;

import io.fmad.avro.LogLevel;

/**
 * A log line reduced to what the novelty detector reads: its key, event time, level and template.
 * The raw message is dropped here, so it is neither shipped between operators nor quoted in
 * alerts. A Flink POJO.
 */
public class LogLine {

    public String key;
    /** Event time, in milliseconds since the Unix epoch. */
    public long timestamp;
    public LogLevel level;
    /** The message with its variable parts masked, see {@link LogTemplateNormalizer}. */
    public String template;

    public LogLine() {}

    public LogLine(String key, long timestamp, LogLevel level, String template) {
        this.key = key;
        this.timestamp = timestamp;
        this.level = level;
        this.template = template;
    }

    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return "LogLine{key=" + key + ", timestamp=" + timestamp + ", level=" + level + ", template=" + template + "}";
    }
}
