package io.fmad.evaluation.nab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Reads per-row detector results in NAB's results layout, plain ({@code .csv}) or gzipped ({@code .csv.gz}). */
public final class DetectorResultsReader {

    private static final int BUFFER_BYTES = 1 << 16;

    private DetectorResultsReader() {}

    /**
     * Reads a detector's result file for every file of the corpus.
     *
     * @return results keyed by data file name, in corpus order
     * @throws NoSuchFileException if a data file has no result file
     * @throws IllegalArgumentException if a result file is malformed or does not match its data file
     */
    public static Map<String, ResultFile> readDetector(Path resultsRoot, String detector, NabCorpus corpus)
            throws IOException {
        Map<String, ResultFile> results = new LinkedHashMap<>();
        for (DataFile dataFile : corpus.files()) {
            Path path = NabResultsLayout.findRowFile(resultsRoot, detector, dataFile)
                    .orElseThrow(() -> new NoSuchFileException(
                            NabResultsLayout.rowFile(resultsRoot, detector, dataFile).toString(), null,
                            "result file of detector " + detector + " is missing (also looked for .csv.gz)"));
            results.put(dataFile.name(), read(path, dataFile));
        }
        return results;
    }

    /** Returns the {@code anomaly_score} columns keyed by data file name, the input of {@link NabScorer}. */
    public static Map<String, double[]> anomalyScores(Map<String, ResultFile> results) {
        Map<String, double[]> scores = new LinkedHashMap<>();
        results.forEach((name, result) -> scores.put(name, result.anomalyScores()));
        return scores;
    }

    /**
     * Reads one result file, gunzipping it when its name ends in {@code .gz}. Columns are found by name
     * because detectors order them differently. Every row's timestamp must equal the data file's.
     *
     * @throws IllegalArgumentException if a required column ({@code timestamp}, {@code anomaly_score}) is
     *     missing, a value is not a number, or the rows do not match the data file
     */
    public static ResultFile read(Path path, DataFile dataFile) throws IOException {
        try (InputStream raw = Files.newInputStream(path);
                InputStream in = path.getFileName().toString().endsWith(NabResultsLayout.GZIP_SUFFIX)
                        ? new GZIPInputStream(raw, BUFFER_BYTES)
                        : raw;
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8),
                        BUFFER_BYTES)) {
            String header = reader.readLine();
            if (header == null) {
                throw new IllegalArgumentException("Result file " + path + " is empty");
            }
            List<String> columns = Arrays.asList(header.strip().split(",", -1));
            int timestampColumn = requireColumn(path, columns, "timestamp");
            int scoreColumn = requireColumn(path, columns, "anomaly_score");
            int labelColumn = columns.indexOf("label");
            Map<Profile, Integer> weightColumns = new EnumMap<>(Profile.class);
            for (Profile profile : Profile.values()) {
                int column = columns.indexOf(profile.weightedScoreColumn());
                if (column >= 0) {
                    weightColumns.put(profile, column);
                }
            }

            int rowCount = dataFile.rowCount();
            double[] scores = new double[rowCount];
            int[] labels = labelColumn >= 0 ? new int[rowCount] : null;
            Map<Profile, double[]> weights = new EnumMap<>(Profile.class);
            weightColumns.keySet().forEach(profile -> weights.put(profile, new double[rowCount]));

            String[] fields = new String[columns.size()];
            int row = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                if (row >= rowCount) {
                    throw new IllegalArgumentException("Result file " + path + " has more rows than the "
                            + rowCount + " of data file " + dataFile.name());
                }
                try {
                    split(line, fields);
                    if (!NabTimestamps.parse(fields[timestampColumn]).equals(dataFile.timestamp(row))) {
                        throw new IllegalArgumentException("timestamp " + fields[timestampColumn]
                                + " differs from the data file's " + dataFile.timestamp(row));
                    }
                    scores[row] = Double.parseDouble(fields[scoreColumn]);
                    if (labels != null) {
                        labels[row] = Integer.parseInt(fields[labelColumn]);
                    }
                    for (Map.Entry<Profile, Integer> column : weightColumns.entrySet()) {
                        weights.get(column.getKey())[row] = Double.parseDouble(fields[column.getValue()]);
                    }
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Result file " + path + " data row " + (row + 1)
                            + " is invalid: " + e.getMessage(), e);
                }
                row++;
            }
            if (row != rowCount) {
                throw new IllegalArgumentException("Result file " + path + " has " + row + " rows, but data file "
                        + dataFile.name() + " has " + rowCount);
            }
            return new ResultFile(dataFile.name(), scores, labels, weights);
        }
    }

    private static int requireColumn(Path path, List<String> columns, String name) {
        int index = columns.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("Result file " + path + " has no '" + name + "' column. Header: "
                    + String.join(",", columns));
        }
        return index;
    }

    /** Splits a CSV line without quoting, which NAB result files never use, into exactly {@code fields.length} fields. */
    private static void split(String line, String[] fields) {
        int start = 0;
        for (int i = 0; i < fields.length - 1; i++) {
            int comma = line.indexOf(',', start);
            if (comma < 0) {
                throw new IllegalArgumentException("expected " + fields.length + " fields but found " + (i + 1));
            }
            fields[i] = line.substring(start, comma);
            start = comma + 1;
        }
        if (line.indexOf(',', start) >= 0) {
            throw new IllegalArgumentException("expected " + fields.length + " fields but found more");
        }
        fields[fields.length - 1] = line.substring(start).strip();
    }
}
