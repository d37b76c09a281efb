package io.fmad.job.detect;

/**
 * Decides whether a scored window raises an alert: warm-up, cooldown, re-arming, and the range
 * signal's own shorter cooldown. Stateless apart from the {@link DetectorState} passed in, so the
 * operator and offline replays of the detector share it.
 */
public final class AlertPolicy {

    /** Windows after any alert during which a key raises no range alert. */
    static final int RANGE_COOLDOWN = 30;

    /** Outcome of {@link #decide}. */
    public enum Decision {
        /** The window scored below the threshold, or the key is in its warm-up. */
        NONE,
        /** The window raises an alert. */
        ALERT,
        /** The window reached the threshold during the cooldown, or before the key re-armed. */
        SUPPRESSED
    }

    private final DetectorSettings settings;

    public AlertPolicy(DetectorSettings settings) {
        this.settings = settings;
    }

    /**
     * Decides on a window that {@link AnomalyScorer#scoreAndUpdate} has just scored for the key
     * of {@code state}, and records an alert in {@code state}.
     */
    public Decision decide(DetectorState state, AnomalyScorer.Result result) {
        boolean warm = state.windowsSeen > settings.warmUp();
        if (result.score() < settings.rearmBelow()) {
            state.armed = true;
        }
        boolean scoreAlert = warm && result.calibrated() && result.score() >= settings.threshold();
        boolean rangeAlert = warm && result.rangeScore() >= settings.threshold();
        if (!scoreAlert && !rangeAlert) {
            return Decision.NONE;
        }
        long sinceAlert = state.lastAlertWindow < 0 ? Long.MAX_VALUE : state.windowsSeen - state.lastAlertWindow;
        boolean allowed =
                (scoreAlert && state.armed && sinceAlert > settings.cooldown())
                        || (rangeAlert && sinceAlert > RANGE_COOLDOWN);
        if (!allowed) {
            return Decision.SUPPRESSED;
        }
        state.lastAlertWindow = state.windowsSeen;
        state.armed = false;
        return Decision.ALERT;
    }

    /** Returns whether the key of {@code state} is past its warm-up. */
    public boolean isWarm(DetectorState state) {
        return state.windowsSeen > settings.warmUp();
    }
}
