package io.fmad.evaluation.nab;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * NAB's per-profile summary, {@code <detector>_<profile>_scores.csv}: one row per data file with columns
 * {@code Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count}, then a {@code Totals} row that sums
 * the numeric columns and leaves Detector, Profile, File and Threshold empty.
 *
 * <p>{@code Total_Count} differs by writer: NAB v1.0 counted every row of a file, NAB's current scorer (and
 * {@link #write}) counts the rows after the probationary period.
 *
 * @param rows the per-file rows, in file order
 * @param totals the {@code Totals} row
 */
public record ScoreSummary(List<Row> rows, Row totals) {

    private static final String HEADER = "Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count";
    private static final String TOTALS = "Totals";

    public ScoreSummary {
        rows = List.copyOf(rows);
    }

    /**
     * One summary row.
     *
     * @param detector detector name, empty in the totals row
     * @param profile profile name, empty in the totals row
     * @param fileName data file name, empty in the totals row
     * @param threshold the detection threshold, NaN in the totals row
     * @param score raw score
     * @param counts row counts
     * @param totalCount the {@code Total_Count} column
     */
    public record Row(String detector, String profile, String fileName, double threshold, double score,
            Counts counts, long totalCount) {}

    /**
     * Returns the row of one data file.
     *
     * @throws IllegalArgumentException if the summary has no row for it
     */
    public Row row(String fileName) {
        for (Row row : rows) {
            if (row.fileName().equals(fileName)) {
                return row;
            }
        }
        throw new IllegalArgumentException("Score summary has no row for data file '" + fileName + "'");
    }

    /**
     * Reads a summary file.
     *
     * @throws IllegalArgumentException if the header, a row or the {@code Totals} row is missing or malformed
     */
    public static ScoreSummary read(Path path) throws IOException {
        List<Row> rows = new ArrayList<>();
        Row totals = null;
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (header == null || !header.strip().equals(HEADER)) {
                throw new IllegalArgumentException("Score summary " + path + " must start with the header " + HEADER
                        + " but starts with: " + header);
            }
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                if (totals != null) {
                    throw new IllegalArgumentException("Score summary " + path + " has rows after the Totals row");
                }
                Row row = parseRow(path, line);
                if (row.detector().equals(TOTALS)) {
                    totals = new Row("", "", "", Double.NaN, row.score(), row.counts(), row.totalCount());
                } else {
                    rows.add(row);
                }
            }
        }
        if (totals == null) {
            throw new IllegalArgumentException("Score summary " + path + " has no Totals row");
        }
        return new ScoreSummary(rows, totals);
    }

    private static Row parseRow(Path path, String line) {
        String[] fields = line.strip().split(",", -1);
        if (fields.length != 10) {
            throw new IllegalArgumentException("Score summary " + path + " row has " + fields.length
                    + " fields instead of 10: " + line);
        }
        try {
            double threshold = fields[3].isEmpty() ? Double.NaN : Double.parseDouble(fields[3]);
            Counts counts = new Counts(Integer.parseInt(fields[5]), Integer.parseInt(fields[6]),
                    Integer.parseInt(fields[7]), Integer.parseInt(fields[8]));
            return new Row(fields[0], fields[1], fields[2], threshold, Double.parseDouble(fields[4]), counts,
                    Long.parseLong(fields[9]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Score summary " + path + " row has an invalid number: " + line, e);
        }
    }

    /**
     * Writes a profile result as {@link NabResultsLayout#summaryFile}, in the current NAB format, creating
     * folders as needed and replacing an existing file.
     *
     * @return the written file
     */
    public static Path write(Path resultsRoot, String detector, ProfileResult result) throws IOException {
        Path path = NabResultsLayout.summaryFile(resultsRoot, detector, result.profile());
        Files.createDirectories(path.getParent());
        try (BufferedWriter writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            writer.write(HEADER);
            writer.write('\n');
            for (FileScore file : result.files()) {
                writer.write(String.join(",", detector, result.profile().id(), file.fileName(),
                        Double.toString(result.threshold()), Double.toString(file.score()), countColumns(file.counts())));
                writer.write('\n');
            }
            writer.write(String.join(",", TOTALS, "", "", "", Double.toString(result.rawScore()),
                    countColumns(result.counts())));
            writer.write('\n');
        }
        return path;
    }

    private static String countColumns(Counts counts) {
        return counts.tp() + "," + counts.tn() + "," + counts.fp() + "," + counts.fn() + "," + counts.total();
    }
}
