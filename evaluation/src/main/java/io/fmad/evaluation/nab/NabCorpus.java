package io.fmad.evaluation.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NAB corpus: every data file listed in a window label file, with its rows and windows.
 *
 * <p>Files are kept sorted by name, which is the order in which the scorer concatenates them.
 */
public final class NabCorpus {

    /** Name of NAB's scoring ground truth in {@code labels/}. */
    public static final String WINDOWS_FILE = "combined_windows.json";

    private static final Logger LOG = LoggerFactory.getLogger(NabCorpus.class);

    private final Map<String, DataFile> files;

    private NabCorpus(Map<String, DataFile> files) {
        this.files = files;
    }

    /**
     * Creates a corpus from data files.
     *
     * @throws IllegalArgumentException if two files have the same name or the list is empty
     */
    public static NabCorpus of(Collection<DataFile> dataFiles) {
        Map<String, DataFile> sorted = new TreeMap<>();
        for (DataFile file : dataFiles) {
            if (sorted.put(file.name(), file) != null) {
                throw new IllegalArgumentException("Data file " + file.name() + " appears twice in the corpus");
            }
        }
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("A NAB corpus needs at least one data file");
        }
        return new NabCorpus(Collections.unmodifiableMap(new LinkedHashMap<>(sorted)));
    }

    /** Loads the corpus under {@code nabRoot} with the windows of {@code labels/combined_windows.json}. */
    public static NabCorpus load(Path nabRoot) throws IOException {
        return load(nabRoot, nabRoot.resolve("labels").resolve(WINDOWS_FILE));
    }

    /**
     * Loads the data files named in a window label file (a JSON object mapping {@code <category>/<file>.csv}
     * to a list of {@code [start, end]} timestamp pairs) from {@code nabRoot/data}.
     *
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException if the label file or a data file is malformed, or a window bound
     *     matches no row
     */
    public static NabCorpus load(Path nabRoot, Path windowsFile) throws IOException {
        JsonNode labels = new ObjectMapper().readTree(windowsFile.toFile());
        if (labels == null || !labels.isObject()) {
            throw new IllegalArgumentException("Window label file " + windowsFile + " is not a JSON object");
        }
        List<DataFile> dataFiles = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> entries = labels.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            DataFile file = readDataFile(nabRoot.resolve("data"), entry.getKey());
            dataFiles.add(file.withWindowTimes(parseWindows(windowsFile, entry.getKey(), entry.getValue())));
        }
        NabCorpus corpus = of(dataFiles);
        LOG.info("Loaded NAB corpus from {}: {} files, {} rows, {} windows",
                nabRoot, corpus.files.size(), corpus.rowCount(), corpus.windowCount());
        return corpus;
    }

    /**
     * Reads one {@code timestamp,value} data file without windows.
     *
     * @param dataDir NAB's {@code data/} folder
     * @param name path relative to {@code dataDir}, {@code <category>/<file>.csv}
     */
    public static DataFile readDataFile(Path dataDir, String name) throws IOException {
        Path path = dataDir.resolve(name);
        List<LocalDateTime> timestamps = new ArrayList<>();
        double[] values = new double[1024];
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (header == null || !header.strip().equals("timestamp,value")) {
                throw new IllegalArgumentException("Data file " + path + " must start with the header timestamp,value"
                        + " but starts with: " + header);
            }
            String line;
            int lineNumber = 1;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                int comma = line.indexOf(',');
                if (comma < 0) {
                    throw new IllegalArgumentException("Data file " + path + " line " + lineNumber
                            + " has no comma: " + line);
                }
                try {
                    timestamps.add(NabTimestamps.parse(line.substring(0, comma)));
                    if (timestamps.size() > values.length) {
                        values = Arrays.copyOf(values, values.length * 2);
                    }
                    values[timestamps.size() - 1] = Double.parseDouble(line.substring(comma + 1).strip());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Data file " + path + " line " + lineNumber + " is invalid: "
                            + e.getMessage(), e);
                }
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "NAB data file is missing");
        }
        return DataFile.of(name, timestamps, Arrays.copyOf(values, timestamps.size()), List.of());
    }

    private static List<LocalDateTime[]> parseWindows(Path windowsFile, String name, JsonNode windows) {
        if (!windows.isArray()) {
            throw new IllegalArgumentException("Window label file " + windowsFile + " entry " + name
                    + " is not a list of [start, end] pairs");
        }
        List<LocalDateTime[]> result = new ArrayList<>();
        for (JsonNode window : windows) {
            if (!window.isArray() || window.size() != 2) {
                throw new IllegalArgumentException("Window label file " + windowsFile + " entry " + name
                        + " has a window that is not a [start, end] pair: " + window);
            }
            result.add(new LocalDateTime[] {
                NabTimestamps.parse(window.get(0).asText()), NabTimestamps.parse(window.get(1).asText())
            });
        }
        return result;
    }

    /** Returns the data files sorted by name. */
    public List<DataFile> files() {
        return List.copyOf(files.values());
    }

    /** Returns the file names sorted, for example {@code realKnownCause/nyc_taxi.csv}. */
    public List<String> fileNames() {
        return List.copyOf(files.keySet());
    }

    /**
     * Returns the data file with the given name.
     *
     * @throws IllegalArgumentException if the corpus has no such file
     */
    public DataFile file(String name) {
        DataFile file = files.get(name);
        if (file == null) {
            throw new IllegalArgumentException("NAB corpus has no data file named '" + name + "'");
        }
        return file;
    }

    public boolean contains(String name) {
        return files.containsKey(name);
    }

    /** Returns the number of windows over all files, the basis of NAB's normalization. */
    public int windowCount() {
        return files.values().stream().mapToInt(file -> file.windows().size()).sum();
    }

    public int rowCount() {
        return files.values().stream().mapToInt(DataFile::rowCount).sum();
    }

    /** Returns the number of rows after each file's probationary period. */
    public int scoredRowCount() {
        return files.values().stream().mapToInt(DataFile::scoredRowCount).sum();
    }

    /**
     * Returns the corpus restricted to the named files. Normalized scores of a subset use the subset's
     * windows, so they are not comparable with full-corpus scores.
     *
     * @throws IllegalArgumentException if a name is not in this corpus or no name is given
     */
    public NabCorpus subset(Collection<String> names) {
        List<DataFile> selected = new ArrayList<>();
        for (String name : names) {
            selected.add(file(name));
        }
        return of(selected);
    }
}
