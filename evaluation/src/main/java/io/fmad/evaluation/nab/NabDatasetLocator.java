package io.fmad.evaluation.nab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the NAB benchmark folder (the one holding {@code data/}, {@code labels/} and {@code results/}),
 * which is read in place and never copied into the repository.
 *
 * <p>The lookup order is {@code $FMAD_DATASETS/nab}, then {@code shared/datasets/nab} under the working
 * directory or any of its ancestors.
 */
public final class NabDatasetLocator {

    /** Environment variable naming a folder that contains {@code nab/}. */
    public static final String DATASETS_ENV = "FMAD_DATASETS";

    private NabDatasetLocator() {}

    /** Locates the NAB folder from the environment and the working directory. */
    public static Optional<Path> locate() {
        return locate(System.getenv(DATASETS_ENV), Path.of("").toAbsolutePath());
    }

    /**
     * Locates the NAB folder.
     *
     * @param datasetsDir value of {@value #DATASETS_ENV}, or null when unset
     * @param start folder where the upward search for {@code shared/datasets/nab} begins
     */
    public static Optional<Path> locate(String datasetsDir, Path start) {
        if (datasetsDir != null && !datasetsDir.isBlank()) {
            Path candidate = Path.of(datasetsDir).resolve("nab");
            if (isNabFolder(candidate)) {
                return Optional.of(candidate);
            }
        }
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("datasets").resolve("nab");
            if (isNabFolder(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Locates the NAB folder or fails.
     *
     * @throws IllegalStateException if no NAB folder is found
     */
    public static Path require() {
        return locate().orElseThrow(() -> new IllegalStateException("NAB data not found: set " + DATASETS_ENV
                + " to a folder containing nab/, or run from a directory below one that contains shared/datasets/nab"));
    }

    private static boolean isNabFolder(Path candidate) {
        return Files.isDirectory(candidate.resolve("data"))
                && Files.isRegularFile(candidate.resolve("labels").resolve(NabCorpus.WINDOWS_FILE));
    }
}
