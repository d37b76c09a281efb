package io.fmad.job.detect;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/** The signals {@link AnomalyScorer} can combine; {@code detector.signals} selects them. */
public enum DetectorSignal {
    /** The model's reconstruction error of the window: the model as detector. */
    RECONSTRUCTION,
    /** The error of the model's forecast, made one window earlier, of the newest value. */
    FORECAST,
    /** The distance from the window's embedding to the same time one and two periods earlier. */
    SEASONAL,
    /** The mean of the newest values, in baseline deviations from the key's baseline. */
    LEVEL,
    /** A value beyond the key's recent range. */
    RANGE;

    /** Returns the signal's name as written in the configuration, for example {@code reconstruction}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value of {@code detector.signals} that selects every signal the model can feed. */
    public static final String ALL = "all";

    /**
     * Parses a comma- or semicolon-separated list of signal names, case-insensitively; {@value
     * #ALL} stands for every signal.
     *
     * @throws IllegalArgumentException if a name is unknown or empty, or the list is empty
     */
    public static EnumSet<DetectorSignal> parseList(String text) {
        if (text.trim().equalsIgnoreCase(ALL)) {
            return EnumSet.allOf(DetectorSignal.class);
        }
        EnumSet<DetectorSignal> signals = EnumSet.noneOf(DetectorSignal.class);
        for (String part : text.split("[,;]", -1)) {
            String name = part.trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty signal name");
            }
            try {
                signals.add(valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown signal '" + name + "'", e);
            }
        }
        return signals;
    }

    /** Returns the configuration names of all signals, in declaration order. */
    public static List<String> configNames() {
        List<String> names = new ArrayList<>();
        for (DetectorSignal signal : values()) {
            names.add(signal.configName());
        }
        return names;
    }
}
