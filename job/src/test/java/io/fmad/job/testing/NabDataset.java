package io.fmad.job.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Locates the NAB benchmark data, which is read in place and never copied into the repository.
 *
 * <p>The data is looked up in {@code $FMAD_DATASETS/nab}, else in {@code shared/datasets/nab} next
 * to any ancestor of the working directory. When it is absent, tests that need it are skipped
 * with a message, unless the environment variable {@code CI} is set, where they fail.
 */
public final class NabDataset {

    private static final DateTimeFormatter LABEL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private final Path root;

    private NabDataset(Path root) {
        this.root = root;
    }

    /** Returns the dataset, or skips (fails under CI) the calling test when it is absent. */
    public static NabDataset require() {
        Path root = locate();
        String message =
                "NAB data not found: set FMAD_DATASETS to the folder holding nab/, or place it at"
                        + " ../shared/datasets/nab next to the repository";
        if (root == null && System.getenv("CI") != null) {
            throw new IllegalStateException(message + " (CI is set, so this test fails instead of skipping)");
        }
        if (root == null) {
            // Surefire keeps assumption messages in its reports only, so print the reason on the console too.
            System.err.println("SKIPPED: " + message);
        }
        assumeTrue(root != null, message);
        return new NabDataset(root);
    }

    private static Path locate() {
        String configured = System.getenv("FMAD_DATASETS");
        if (configured != null) {
            if (!Files.isDirectory(Path.of(configured, "nab", "data"))) {
                throw new IllegalStateException(
                        "FMAD_DATASETS is set to '" + configured + "', which has no nab/data folder;"
                                + " point it at the folder that contains nab/, or unset it");
            }
            return Path.of(configured, "nab");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("datasets").resolve("nab");
            if (Files.isDirectory(candidate.resolve("data"))) {
                return candidate;
            }
        }
        return null;
    }

    /** Returns the CSV file of a series, for example {@code realKnownCause/nyc_taxi.csv}. */
    public Path dataFile(String series) {
        return root.resolve("data").resolve(series);
    }

    /** A labeled anomaly window, inclusive at both ends. */
    public record LabeledWindow(Instant start, Instant end) {
        public boolean contains(Instant time) {
            return !time.isBefore(start) && !time.isAfter(end);
        }
    }

    /** Reads the labeled anomaly windows of a series from {@code labels/combined_windows.json}. */
    public List<LabeledWindow> labeledWindows(String series) throws IOException {
        JsonNode windows = new ObjectMapper().readTree(root.resolve("labels").resolve("combined_windows.json").toFile());
        JsonNode entries = windows.get(series);
        if (entries == null) {
            throw new IllegalArgumentException("Series " + series + " has no entry in combined_windows.json");
        }
        List<LabeledWindow> result = new ArrayList<>();
        for (JsonNode window : entries) {
            result.add(new LabeledWindow(parse(window.get(0).asText()), parse(window.get(1).asText())));
        }
        return result;
    }

    private static Instant parse(String labelTime) {
        return LocalDateTime.parse(labelTime, LABEL_TIME).toInstant(ZoneOffset.UTC);
    }
}
