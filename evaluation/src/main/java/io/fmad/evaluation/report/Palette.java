package io.fmad.evaluation.report;

import java.util.List;

/**
 * Detector colors, from the Okabe-Ito palette, which stays distinguishable under the common forms of color
 * blindness. Colors repeat after the eighth detector.
 */
final class Palette {

    private static final List<String> COLORS = List.of(
            "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442");

    private final List<String> detectors;

    Palette(List<String> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    String color(String detector) {
        int index = detectors.indexOf(detector);
        return COLORS.get(Math.max(index, 0) % COLORS.size());
    }

    List<String> colors() {
        return detectors.stream().map(this::color).toList();
    }

    /** Returns a colored square to put before a detector name. */
    String swatch(String detector) {
        return "<span class=\"swatch\" style=\"background:" + color(detector) + "\"></span>";
    }
}
