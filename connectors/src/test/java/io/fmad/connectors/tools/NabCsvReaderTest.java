package io.fmad.connectors.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fmad.avro.MetricEvent;

class NabCsvReaderTest {

    @TempDir
    Path dir;

    @Test
    void readFile_parsesRowsAsUtc() throws IOException {
        Path file = write("art_daily.csv", "timestamp,value", "2013-12-02 21:15:00,0.42", "2013-12-02 21:20:00,-3");

        NabCsvReader.Series series = new NabCsvReader().readFile(file);

        assertThat(series.key()).isEqualTo("art_daily");
        assertThat(series.skippedRows()).isZero();
        assertThat(series.events()).hasSize(2);
        MetricEvent first = series.events().get(0);
        assertThat(first.getKey()).isEqualTo("art_daily");
        assertThat(first.getTimestamp()).isEqualTo(Instant.parse("2013-12-02T21:15:00Z"));
        assertThat(first.getValues()).isEqualTo(Map.of("value", 0.42));
        assertThat(series.events().get(1).getValues()).isEqualTo(Map.of("value", -3.0));
    }

    @Test
    void readFile_usesConfiguredValueName() throws IOException {
        Path file = write("cpu.csv", "timestamp,value", "2014-01-01 00:00:00,1");

        assertThat(new NabCsvReader("cpu").readFile(file).events().get(0).getValues()).isEqualTo(Map.of("cpu", 1.0));
    }

    @Test
    void readFile_skipsAndCountsBadRows() throws IOException {
        Path file = write("bad.csv",
                "timestamp,value",
                "2013-12-02 21:15:00,1",
                "2013-12-02T21:20:00,2",
                "2013-12-02 21:25:00,abc",
                "2013-12-02 21:30:00,NaN",
                "2013-12-02 21:35:00,1,extra",
                "",
                "2013-12-02 21:40:00,5");

        NabCsvReader.Series series = new NabCsvReader().readFile(file);

        assertThat(series.events()).extracting(e -> e.getValues().get("value")).containsExactly(1.0, 5.0);
        assertThat(series.skippedRows()).isEqualTo(4);
    }

    @Test
    void readFile_rejectsWrongHeader() throws IOException {
        Path file = write("noheader.csv", "2013-12-02 21:15:00,1");

        assertThatThrownBy(() -> new NabCsvReader().readFile(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("noheader.csv")
                .hasMessageContaining("2013-12-02 21:15:00,1");
    }

    @Test
    void read_findsCsvFilesRecursivelyInSortedOrder() throws IOException {
        write("b/two.csv", "timestamp,value", "2014-01-01 00:00:00,2");
        write("a/one.csv", "timestamp,value", "2014-01-01 00:00:00,1");
        write("a/notes.txt", "not a csv");

        NabCsvReader.ReadResult result = new NabCsvReader().read(dir);

        assertThat(result.series()).extracting(NabCsvReader.Series::key).containsExactly("one", "two");
        assertThat(result.eventCount()).isEqualTo(2);
    }

    @Test
    void read_rejectsMissingInput() {
        assertThatThrownBy(() -> new NabCsvReader().read(dir.resolve("missing")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void mergeByTimestamp_interleavesFilesInTimeOrder() throws IOException {
        write("a.csv", "timestamp,value", "2014-01-01 00:00:00,1", "2014-01-01 00:10:00,2", "2014-01-01 00:20:00,3");
        write("b.csv", "timestamp,value", "2014-01-01 00:05:00,10", "2014-01-01 00:10:00,20", "2014-01-01 00:15:00,30");

        List<MetricEvent> merged = new NabCsvReader().read(dir).mergedEvents();

        // At 00:10 both files have an event: file order (a before b) breaks the tie.
        assertThat(merged).extracting(e -> e.getKey() + "=" + e.getValues().get("value"))
                .containsExactly("a=1.0", "b=10.0", "a=2.0", "b=20.0", "b=30.0", "a=3.0");
        assertThat(merged).extracting(MetricEvent::getTimestamp).isSorted();
    }

    private Path write(String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, List.of(lines));
        return file;
    }
}
