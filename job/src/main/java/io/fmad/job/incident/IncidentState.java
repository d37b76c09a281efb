package io.fmad.job.incident;

/**
 * One open incident of a key and detector, kept in keyed state. A Flink POJO: public fields and a
 * public no-argument constructor, so the state can gain fields with defaults.
 */
public class IncidentState {

    /** Layout of this class; a restored state with another version is migrated or discarded. */
    public static final int VERSION = 1;

    public int version = VERSION;
    public String incidentId;
    public String key;
    public String detector;
    /** Window end of the OPEN record, in epoch milliseconds. */
    public long start;
    /** Window end of the newest anomalous window, in epoch milliseconds. */
    public long lastAnomalous;
    /** Window end of the newest record emitted, in epoch milliseconds. */
    public long lastEmitted;
    /** Sequence number of the newest record emitted: 0 for OPEN. */
    public int sequence;
    /** Highest severity so far, as the ordinal of {@code io.fmad.avro.Severity}. */
    public int peakSeverity;
    public double peakScore;
    public double threshold;
    public String modelId;
    public String modelVersion;

    public IncidentState() {}
}
