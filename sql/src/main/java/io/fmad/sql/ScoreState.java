package io.fmad.sql;

import io.fmad.job.detect.DetectorState;
import io.fmad.job.window.WindowState;

/**
 * Per-key state of {@link FmadScoreFunction}: the DataStream job's window ring buffer and detector
 * state, unchanged, so both paths score a key the same way. A structured type for Flink's Table
 * API: public fields and a no-argument constructor. {@link #window} and {@link #detector} are null
 * until the key's first point and first full window.
 */
public class ScoreState {

    public WindowState window;
    public DetectorState detector;
    /** Rows of this key dropped because they were behind the watermark or the key's last point. */
    public long lateRows;
    /** The key columns' values joined by '/', as in logs and the detector's state. */
    public String key;
    /** The scored column; the window's channel name. */
    public String valueColumn;
    /** Whether the call passed {@code emit => 'ANOMALIES'}. */
    public boolean anomaliesOnly;

    public ScoreState() {}
}
