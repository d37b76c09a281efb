package io.fmad.evaluation.nab;

import java.util.List;

/**
 * The NAB result of one detector under one profile.
 *
 * @param profile the application profile
 * @param threshold the detection threshold applied to every file
 * @param thresholdOptimized whether {@code threshold} is the corpus-wide best one, or was given
 * @param rawScore sum of the per-file scores
 * @param normalizedScore {@code 100 * (rawScore - nullScore) / (perfectScore - nullScore)}
 * @param nullScore raw score of a detector that detects nothing: {@code -fnWeight} per window
 * @param perfectScore raw score of one detection on each window's first row: {@code tpWeight} per window
 * @param counts row counts summed over all files
 * @param files per-file scores, sorted by file name
 */
public record ProfileResult(
        Profile profile,
        double threshold,
        boolean thresholdOptimized,
        double rawScore,
        double normalizedScore,
        double nullScore,
        double perfectScore,
        Counts counts,
        List<FileScore> files) {

    public ProfileResult {
        files = List.copyOf(files);
    }

    /**
     * Returns the score of one file.
     *
     * @throws IllegalArgumentException if the file was not scored
     */
    public FileScore file(String fileName) {
        for (FileScore file : files) {
            if (file.fileName().equals(fileName)) {
                return file;
            }
        }
        throw new IllegalArgumentException("No score for data file '" + fileName + "' under profile " + profile.id());
    }
}
