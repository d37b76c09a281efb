package io.fmad.evaluation.nab;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes per-row detector results in NAB's results layout, in the format of NAB's current scorer:
 * {@code timestamp,value,anomaly_score,label,S(t)_standard,S(t)_reward_low_FP_rate,S(t)_reward_low_FN_rate},
 * where {@code S(t)} is each row's weight from {@link NabWeights#weightedScores}. Files written here can be
 * read back with {@link DetectorResultsReader} and scored like published ones.
 */
public final class DetectorResultsWriter {

    private static final int BUFFER_BYTES = 1 << 16;

    private DetectorResultsWriter() {}

    /**
     * Writes one detector's result file for one data file, creating folders as needed and replacing an existing
     * file. Numbers are written in Java's shortest round-trip form, so reading them back yields the same doubles.
     *
     * @param gzip whether to write {@code .csv.gz} instead of {@code .csv}
     * @return the written file
     * @throws IllegalArgumentException if the number of scores differs from the file's rows
     */
    public static Path write(Path resultsRoot, String detector, DataFile dataFile, double[] anomalyScores, boolean gzip)
            throws IOException {
        if (anomalyScores.length != dataFile.rowCount()) {
            throw new IllegalArgumentException("Data file " + dataFile.name() + " has " + dataFile.rowCount()
                    + " rows but " + anomalyScores.length + " anomaly scores were given");
        }
        Path plain = NabResultsLayout.rowFile(resultsRoot, detector, dataFile);
        Path path = gzip ? plain.resolveSibling(plain.getFileName() + NabResultsLayout.GZIP_SUFFIX) : plain;
        Files.createDirectories(path.getParent());

        int[] labels = dataFile.labels();
        Map<Profile, double[]> weights = new EnumMap<>(Profile.class);
        for (Profile profile : Profile.values()) {
            weights.put(profile, NabWeights.weightedScores(dataFile, profile.costMatrix()));
        }

        try (OutputStream raw = Files.newOutputStream(path);
                OutputStream out = gzip ? new GZIPOutputStream(raw, BUFFER_BYTES) : raw;
                Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), BUFFER_BYTES)) {
            writer.write("timestamp,value,anomaly_score,label");
            for (Profile profile : Profile.values()) {
                writer.write(',');
                writer.write(profile.weightedScoreColumn());
            }
            writer.write('\n');

            for (int row = 0; row < dataFile.rowCount(); row++) {
                writer.write(NabTimestamps.format(dataFile.timestamp(row)));
                writer.write(',');
                writer.write(Double.toString(dataFile.value(row)));
                writer.write(',');
                writer.write(Double.toString(anomalyScores[row]));
                writer.write(',');
                writer.write(Integer.toString(labels[row]));
                for (Profile profile : Profile.values()) {
                    writer.write(',');
                    writer.write(Double.toString(weights.get(profile)[row]));
                }
                writer.write('\n');
            }
        }
        return path;
    }
}
