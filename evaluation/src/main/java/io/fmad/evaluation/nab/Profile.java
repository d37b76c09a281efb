package io.fmad.evaluation.nab;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The three NAB application profiles, with the weights of NAB's {@code config/profiles.json}.
 *
 * <p>The declaration order (standard, low FP, low FN) is the column order this package writes.
 */
public enum Profile {
    /** Balanced weights: a false positive costs 0.11 of a missed window. */
    STANDARD("standard", new CostMatrix(1.0, 0.11, 1.0, 1.0)),
    /** Doubles the cost of a false positive. */
    REWARD_LOW_FP_RATE("reward_low_FP_rate", new CostMatrix(1.0, 0.22, 1.0, 1.0)),
    /** Doubles the cost of a missed window. */
    REWARD_LOW_FN_RATE("reward_low_FN_rate", new CostMatrix(1.0, 0.11, 2.0, 1.0));

    private final String id;
    private final CostMatrix costMatrix;

    Profile(String id, CostMatrix costMatrix) {
        this.id = id;
        this.costMatrix = costMatrix;
    }

    /** Returns the name NAB uses in file names, columns and JSON keys, for example {@code reward_low_FP_rate}. */
    public String id() {
        return id;
    }

    public CostMatrix costMatrix() {
        return costMatrix;
    }

    /** Returns the name of this profile's per-row weighted score column in result files, {@code S(t)_<id>}. */
    public String weightedScoreColumn() {
        return "S(t)_" + id;
    }

    /**
     * Returns the profile with the given NAB name.
     *
     * @throws IllegalArgumentException if no profile has that name
     */
    public static Profile fromId(String id) {
        for (Profile profile : values()) {
            if (profile.id.equals(id)) {
                return profile;
            }
        }
        String known = Arrays.stream(values()).map(Profile::id).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("Unknown NAB profile '" + id + "': expected one of: " + known);
    }
}
