package io.fmad.evaluation.nab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Paths of NAB's results folder: {@code <results>/<detector>/<category>/<detector>_<file>.csv} (optionally
 * gzipped as {@code .csv.gz}) per data file, and {@code <results>/<detector>/<detector>_<profile>_scores.csv}
 * per profile.
 */
public final class NabResultsLayout {

    /** Suffix of a gzip-compressed result file, appended to {@code .csv}. */
    public static final String GZIP_SUFFIX = ".gz";

    private NabResultsLayout() {}

    /** Returns the uncompressed per-row result path of a data file, {@code <detector>_<file>.csv}. */
    public static Path rowFile(Path resultsRoot, String detector, DataFile dataFile) {
        requireDetectorName(detector);
        return resultsRoot.resolve(detector)
                .resolve(dataFile.category())
                .resolve(detector + "_" + dataFile.baseName() + ".csv");
    }

    /** Returns the existing per-row result file of a data file, preferring {@code .csv} over {@code .csv.gz}. */
    public static Optional<Path> findRowFile(Path resultsRoot, String detector, DataFile dataFile) {
        Path plain = rowFile(resultsRoot, detector, dataFile);
        if (Files.isRegularFile(plain)) {
            return Optional.of(plain);
        }
        Path gzipped = plain.resolveSibling(plain.getFileName() + GZIP_SUFFIX);
        return Files.isRegularFile(gzipped) ? Optional.of(gzipped) : Optional.empty();
    }

    /** Returns the path of a detector's per-file summary for one profile. */
    public static Path summaryFile(Path resultsRoot, String detector, Profile profile) {
        requireDetectorName(detector);
        return resultsRoot.resolve(detector).resolve(detector + "_" + profile.id() + "_scores.csv");
    }

    /**
     * Checks that a detector name can serve as a folder and file name prefix.
     *
     * @throws IllegalArgumentException if the name is empty or contains a path separator, a comma or {@code ..}
     */
    static void requireDetectorName(String detector) {
        if (detector == null || detector.isEmpty() || detector.contains("/") || detector.contains("\\")
                || detector.contains(",") || detector.contains("..")) {
            throw new IllegalArgumentException("Invalid detector name '" + detector
                    + "': it must be non-empty and contain no '/', '\\', ',' or '..'");
        }
    }
}
