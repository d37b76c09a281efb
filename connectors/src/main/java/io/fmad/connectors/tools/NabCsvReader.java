package io.fmad.connectors.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmad.avro.MetricEvent;

/**
 * Reads time series in the format of the Numenta Anomaly Benchmark (NAB): CSV files with the
 * header {@code timestamp,value} and rows such as {@code 2013-12-02 21:15:00,0.42}, with timestamps
 * in UTC.
 *
 * <p>Each file becomes one series whose key is the file name without {@code .csv}. Rows with the
 * wrong number of columns, an unparsable timestamp or a non-finite value are skipped and counted,
 * because the files come from users and not from the job's input topic.
 */
public final class NabCsvReader {

    /** Value name used when none is given. */
    public static final String DEFAULT_VALUE_NAME = "value";

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
    private static final Logger LOG = LoggerFactory.getLogger(NabCsvReader.class);

    private final String valueName;

    /** Creates a reader that names the value {@value #DEFAULT_VALUE_NAME}. */
    public NabCsvReader() {
        this(DEFAULT_VALUE_NAME);
    }

    /** Creates a reader that stores each row's value under {@code valueName}. */
    public NabCsvReader(String valueName) {
        if (valueName == null || valueName.isBlank()) {
            throw new IllegalArgumentException("Invalid value name '" + valueName + "': must not be null or blank");
        }
        this.valueName = valueName;
    }

    /** One file's events in file order, and how many of its rows were skipped. */
    public record Series(Path file, String key, List<MetricEvent> events, long skippedRows) {}

    /** The series read from a file or directory, in file order. */
    public record ReadResult(List<Series> series) {

        /** Returns the number of rows skipped across all files. */
        public long skippedRows() {
            return series.stream().mapToLong(Series::skippedRows).sum();
        }

        /** Returns the number of events across all files. */
        public long eventCount() {
            return series.stream().mapToLong(s -> s.events().size()).sum();
        }

        /** Returns all events merged in timestamp order, see {@link NabCsvReader#mergeByTimestamp}. */
        public List<MetricEvent> mergedEvents() {
            return mergeByTimestamp(series.stream().map(Series::events).toList());
        }
    }

    /**
     * Reads one CSV file, or every {@code *.csv} file under a directory (recursively, sorted by
     * path).
     *
     * @throws IOException if {@code input} does not exist, a file cannot be read, or a file's
     *     header is not {@code timestamp,value}
     */
    public ReadResult read(Path input) throws IOException {
        Objects.requireNonNull(input, "input must not be null");
        if (!Files.exists(input)) {
            throw new IOException("Input " + input + " not found");
        }
        List<Series> series = new ArrayList<>();
        for (Path file : listCsvFiles(input)) {
            series.add(readFile(file));
        }
        return new ReadResult(series);
    }

    /** Returns {@code input} if it is a file, else the {@code *.csv} files under it, sorted. */
    public static List<Path> listCsvFiles(Path input) throws IOException {
        if (Files.isRegularFile(input)) {
            return List.of(input);
        }
        try (Stream<Path> paths = Files.walk(input)) {
            return paths.filter(Files::isRegularFile)
                    .filter(path -> path.getFileName().toString().endsWith(".csv"))
                    .sorted()
                    .toList();
        }
    }

    /** Reads one CSV file; see {@link #read}. */
    public Series readFile(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        String key = fileName.endsWith(".csv") ? fileName.substring(0, fileName.length() - 4) : fileName;
        List<MetricEvent> events = new ArrayList<>();
        long skipped = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            checkHeader(file, reader.readLine());
            String line;
            long lineNumber = 1;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                MetricEvent event = parseRow(key, line);
                if (event == null) {
                    skipped++;
                    LOG.debug("Skipped invalid row {} of {}: '{}'", lineNumber, file, line);
                } else {
                    events.add(event);
                }
            }
        }
        if (skipped > 0) {
            LOG.warn("Skipped {} invalid rows of {}", skipped, file);
        }
        return new Series(file, key, events, skipped);
    }

    /**
     * Merges per-file event lists into one list in timestamp order. The sort is stable: events
     * with equal timestamps keep the order of their lists, and within a list their order.
     */
    public static List<MetricEvent> mergeByTimestamp(List<List<MetricEvent>> eventsByFile) {
        List<MetricEvent> merged = new ArrayList<>();
        for (List<MetricEvent> events : eventsByFile) {
            merged.addAll(events);
        }
        // List.sort is a stable merge sort, which gives the file order for equal timestamps.
        merged.sort(Comparator.comparing(MetricEvent::getTimestamp));
        return merged;
    }

    private static void checkHeader(Path file, String header) throws IOException {
        String normalized = header == null ? null : header.strip().replace("\uFEFF", "").replace(" ", "");
        if (normalized == null || !normalized.equalsIgnoreCase("timestamp,value")) {
            throw new IOException(
                    "Invalid header in " + file + ": expected 'timestamp,value', found "
                            + (header == null ? "an empty file" : "'" + header + "'"));
        }
    }

    private MetricEvent parseRow(String key, String line) {
        String[] columns = line.split(",", -1);
        if (columns.length != 2) {
            return null;
        }
        try {
            Instant timestamp = LocalDateTime.parse(columns[0].strip(), TIMESTAMP).toInstant(ZoneOffset.UTC);
            double value = Double.parseDouble(columns[1].strip());
            if (!Double.isFinite(value)) {
                return null;
            }
            return MetricEvent.newBuilder()
                    .setKey(key)
                    .setTimestamp(timestamp)
                    .setValues(Map.of(valueName, value))
                    .setTags(Map.of())
                    .build();
        } catch (DateTimeParseException | NumberFormatException e) {
            return null;
        }
    }
}
