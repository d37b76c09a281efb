package io.fmad.evaluation.nab;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/** Small hand-made data files for tests that must not depend on the NAB data. */
final class SyntheticCorpus {

    static final LocalDateTime START = LocalDateTime.of(2024, 1, 1, 0, 0);

    private SyntheticCorpus() {}

    /** Returns a file of {@code rowCount} rows one minute apart, valued by row index, with the given windows. */
    static DataFile file(String name, int rowCount, AnomalyWindow... windows) {
        List<LocalDateTime> timestamps = new ArrayList<>();
        double[] values = new double[rowCount];
        for (int i = 0; i < rowCount; i++) {
            timestamps.add(START.plusMinutes(i));
            values[i] = i;
        }
        return DataFile.of(name, timestamps, values, List.of(windows));
    }

    /**
     * Returns two files: {@code synthetic/with_window.csv} with 100 rows (15 probationary) and one window over
     * rows 40 to 49, and {@code synthetic/no_window.csv} with 40 rows (6 probationary) and no window.
     */
    static NabCorpus twoFiles() {
        return NabCorpus.of(List.of(
                file("synthetic/with_window.csv", 100, new AnomalyWindow(40, 49)),
                file("synthetic/no_window.csv", 40)));
    }
}
