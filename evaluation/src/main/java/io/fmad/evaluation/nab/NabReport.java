package io.fmad.evaluation.nab;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** NAB results of one detector under every profile scored. */
public final class NabReport {

    private final Map<Profile, ProfileResult> results;

    NabReport(Map<Profile, ProfileResult> results) {
        this.results = Collections.unmodifiableMap(new EnumMap<>(results));
    }

    /**
     * Returns the result of one profile.
     *
     * @throws IllegalArgumentException if the profile was not scored
     */
    public ProfileResult get(Profile profile) {
        ProfileResult result = results.get(profile);
        if (result == null) {
            throw new IllegalArgumentException("Profile " + profile.id() + " was not scored");
        }
        return result;
    }

    /** Returns the results in {@link Profile} declaration order. */
    public Map<Profile, ProfileResult> results() {
        return results;
    }

    /** Returns the normalized score of one profile, the number on NAB's scoreboard. */
    public double normalizedScore(Profile profile) {
        return get(profile).normalizedScore();
    }

    @Override
    public String toString() {
        StringJoiner text = new StringJoiner(", ", "NabReport{", "}");
        results.forEach((profile, result) -> text.add(String.format(Locale.ROOT, "%s=%.3f (threshold %s)",
                profile.id(), result.normalizedScore(), result.threshold())));
        return text.toString();
    }
}
