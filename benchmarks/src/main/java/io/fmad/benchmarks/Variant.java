package io.fmad.benchmarks;

/** The jobs the harness compares. */
enum Variant {
    /** Source, Avro, identity operator and sink only: the limit of the job's I/O. */
    PASS_THROUGH("pass-through"),
    /** The whole fmad job with its default encoder. */
    FMAD("fmad"),
    /** The fmad job with a Random Cut Forest per key in place of the window, encoder and detector. */
    RANDOM_CUT_FOREST("rcf");

    final String label;

    Variant(String label) {
        this.label = label;
    }

    static Variant parse(String label) {
        for (Variant variant : values()) {
            if (variant.label.equals(label)) {
                return variant;
            }
        }
        throw new IllegalArgumentException(
                "Invalid variant '" + label + "': accepted are pass-through, fmad and rcf");
    }
}
