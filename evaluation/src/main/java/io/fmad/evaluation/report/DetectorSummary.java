package io.fmad.evaluation.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Corpus-wide results of one detector.
 *
 * @param detector the detector name, for example {@code fmad}
 * @param byProfile the result at each profile's best threshold, keyed by NAB profile id ({@link #STANDARD},
 *     {@link #LOW_FP}, {@link #LOW_FN}). A missing profile shows as a dash.
 * @param alerts the result of the alerts the detector raises in production, keyed by profile id like {@code
 *     byProfile}; empty when the detector raises no alerts of its own
 */
public record DetectorSummary(String detector, Map<String, ProfileSummary> byProfile,
                              Map<String, ProfileSummary> alerts) {

    /** NAB's standard profile id. */
    public static final String STANDARD = "standard";
    /** NAB's profile id that doubles the cost of false positives. */
    public static final String LOW_FP = "reward_low_FP_rate";
    /** NAB's profile id that doubles the cost of false negatives. */
    public static final String LOW_FN = "reward_low_FN_rate";

    public DetectorSummary {
        Objects.requireNonNull(detector, "detector");
        byProfile = Collections.unmodifiableMap(new LinkedHashMap<>(byProfile));
        alerts = Collections.unmodifiableMap(new LinkedHashMap<>(alerts));
    }
}
