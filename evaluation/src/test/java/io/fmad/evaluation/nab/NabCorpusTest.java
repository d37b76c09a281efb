package io.fmad.evaluation.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NabCorpusTest {

    @TempDir
    Path temp;

    @Test
    void load_corpusTotals() {
        NabCorpus corpus = NabTestData.corpus();

        assertThat(corpus.files()).hasSize(58);
        assertThat(corpus.rowCount()).isEqualTo(365_558);
        assertThat(corpus.scoredRowCount()).isEqualTo(332_842);
        assertThat(corpus.windowCount()).isEqualTo(116);
        int windowRows = corpus.files().stream()
                .flatMap(file -> file.windows().stream())
                .mapToInt(AnomalyWindow::width)
                .sum();
        assertThat(windowRows).isEqualTo(33_495);
        assertThat(corpus.files().stream().filter(file -> file.windows().isEmpty()).count()).isEqualTo(6);
    }

    @Test
    void load_categoryTotals() {
        Map<String, int[]> filesRowsWindows = new TreeMap<>();
        for (DataFile file : NabTestData.corpus().files()) {
            int[] totals = filesRowsWindows.computeIfAbsent(file.category(), category -> new int[3]);
            totals[0]++;
            totals[1] += file.rowCount();
            totals[2] += file.windows().size();
        }

        assertThat(filesRowsWindows).containsOnlyKeys("artificialNoAnomaly", "artificialWithAnomaly",
                "realAWSCloudwatch", "realAdExchange", "realKnownCause", "realTraffic", "realTweets");
        assertThat(filesRowsWindows.get("artificialNoAnomaly")).containsExactly(5, 20_160, 0);
        assertThat(filesRowsWindows.get("artificialWithAnomaly")).containsExactly(6, 24_192, 6);
        assertThat(filesRowsWindows.get("realAWSCloudwatch")).containsExactly(17, 67_740, 30);
        assertThat(filesRowsWindows.get("realAdExchange")).containsExactly(6, 9_610, 14);
        assertThat(filesRowsWindows.get("realKnownCause")).containsExactly(7, 69_561, 19);
        assertThat(filesRowsWindows.get("realTraffic")).containsExactly(7, 15_664, 14);
        assertThat(filesRowsWindows.get("realTweets")).containsExactly(10, 158_631, 33);
    }

    @Test
    void load_windowRowsOfNycTaxi() {
        DataFile taxi = NabTestData.corpus().file("realKnownCause/nyc_taxi.csv");

        assertThat(taxi.rowCount()).isEqualTo(10_320);
        assertThat(taxi.probationaryLength()).isEqualTo(750);
        assertThat(taxi.baseName()).isEqualTo("nyc_taxi");
        assertThat(taxi.category()).isEqualTo("realKnownCause");
        AnomalyWindow first = taxi.windows().get(0);
        assertThat(taxi.timestamp(first.start())).isEqualTo(LocalDateTime.of(2014, 10, 30, 15, 30));
        assertThat(taxi.timestamp(first.end())).isEqualTo(LocalDateTime.of(2014, 11, 3, 22, 30));
    }

    @ParameterizedTest(name = "{0} rows")
    @CsvSource({"4032, 604", "1243, 186", "4999, 749", "5000, 750", "22695, 750", "0, 0", "6, 0", "7, 1"})
    void probationaryLength_fifteenPercentCappedAt750(int rows, int expected) {
        assertThat(DataFile.probationaryLength(rows)).isEqualTo(expected);
    }

    @Test
    void profiles_matchNabConfig() throws IOException {
        JsonNode profiles = new ObjectMapper().readTree(NabTestData.root().resolve("config").resolve("profiles.json").toFile());

        assertThat(profiles.size()).isEqualTo(Profile.values().length);
        for (Profile profile : Profile.values()) {
            JsonNode costs = profiles.path(profile.id()).path("CostMatrix");
            CostMatrix expected = new CostMatrix(costs.path("tpWeight").asDouble(), costs.path("fpWeight").asDouble(),
                    costs.path("fnWeight").asDouble(), costs.path("tnWeight").asDouble());
            assertThat(profile.costMatrix()).as(profile.id()).isEqualTo(expected);
        }
    }

    @Test
    void load_syntheticFolder() throws IOException {
        writeDataFile("cat/series.csv", 10);
        Path windows = writeWindows("{\"cat/series.csv\": [[\"2024-01-01 00:02:00.000000\", \"2024-01-01 00:04:00.000000\"]]}");

        NabCorpus corpus = NabCorpus.load(temp, windows);

        assertThat(corpus.fileNames()).containsExactly("cat/series.csv");
        assertThat(corpus.file("cat/series.csv").windows()).containsExactly(new AnomalyWindow(2, 4));
        assertThat(corpus.file("cat/series.csv").value(3)).isEqualTo(3.0);
    }

    @Test
    void load_rejectsWindowBoundOffRow() throws IOException {
        writeDataFile("cat/series.csv", 10);
        Path windows = writeWindows("{\"cat/series.csv\": [[\"2024-01-01 00:02:30.000000\", \"2024-01-01 00:04:00.000000\"]]}");

        assertThatThrownBy(() -> NabCorpus.load(temp, windows))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2024-01-01T00:02:30")
                .hasMessageContaining("matches no row timestamp");
    }

    @Test
    void load_rejectsMissingDataFile() throws IOException {
        Path windows = writeWindows("{\"cat/absent.csv\": []}");

        assertThatThrownBy(() -> NabCorpus.load(temp, windows))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("absent.csv");
    }

    @Test
    void subset_countsOnlySelectedWindows() {
        NabCorpus corpus = SyntheticCorpus.twoFiles();

        NabCorpus subset = corpus.subset(List.of("synthetic/no_window.csv"));

        assertThat(subset.fileNames()).containsExactly("synthetic/no_window.csv");
        assertThat(subset.windowCount()).isZero();
        assertThatThrownBy(() -> corpus.subset(List.of("synthetic/absent.csv")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no data file named 'synthetic/absent.csv'");
    }

    @Test
    void of_rejectsOverlappingWindows() {
        assertThatThrownBy(() -> SyntheticCorpus.file("synthetic/overlap.csv", 20, new AnomalyWindow(2, 6), new AnomalyWindow(6, 9)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overlaps");
    }

    @Test
    void window_rejectsSingleRow() {
        assertThatThrownBy(() -> new AnomalyWindow(3, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 <= start < end");
    }

    private void writeDataFile(String name, int rows) throws IOException {
        StringBuilder text = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < rows; i++) {
            text.append(NabTimestamps.format(SyntheticCorpus.START.plusMinutes(i))).append(',').append(i).append('\n');
        }
        Path path = temp.resolve("data").resolve(name);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }

    private Path writeWindows(String json) throws IOException {
        Path path = temp.resolve("labels").resolve(NabCorpus.WINDOWS_FILE);
        Files.createDirectories(path.getParent());
        Files.writeString(path, json);
        return path;
    }
}
