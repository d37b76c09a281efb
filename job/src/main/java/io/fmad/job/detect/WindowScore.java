package io.fmad.job.detect;

/**
 * The detector's verdict on one window, emitted for every window on {@link
 * WindowAnomalyDetector#SCORES} whether or not it alerted. Evaluations read it to score a
 * detector row by row. A Flink POJO.
 */
public class WindowScore {

    public String key;
    /** Event time of the window's last point, in epoch milliseconds. */
    public long windowEnd;
    /** Anomaly score in [0, 1]; 0 while the key's calibration is not ready. */
    public double score;
    /** True when this window produced an alert (past warm-up and cooldown). */
    public boolean alerted;

    public WindowScore() {}

    public WindowScore(String key, long windowEnd, double score, boolean alerted) {
        this.key = key;
        this.windowEnd = windowEnd;
        this.score = score;
        this.alerted = alerted;
    }

    @Override
    public String toString() {
        return "WindowScore{key=" + key + ", windowEnd=" + windowEnd + ", score=" + score + ", alerted=" + alerted + '}';
    }
}
