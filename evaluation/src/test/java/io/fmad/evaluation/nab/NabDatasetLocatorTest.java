package io.fmad.evaluation.nab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabDatasetLocatorTest {

    @TempDir
    Path temp;

    private Path createNabFolder(Path nab) throws IOException {
        Files.createDirectories(nab.resolve("data"));
        Files.createDirectories(nab.resolve("labels"));
        Files.writeString(nab.resolve("labels").resolve(NabCorpus.WINDOWS_FILE), "{}");
        return nab;
    }

    @Test
    void locate_fromEnvironmentVariable() throws IOException {
        Path nab = createNabFolder(temp.resolve("datasets").resolve("nab"));

        assertThat(NabDatasetLocator.locate(temp.resolve("datasets").toString(), temp)).hasValue(nab);
    }

    @Test
    void locate_walksUpToSharedDatasets() throws IOException {
        Path nab = createNabFolder(temp.resolve("shared").resolve("datasets").resolve("nab"));
        Path nested = Files.createDirectories(temp.resolve("main").resolve("evaluation"));

        assertThat(NabDatasetLocator.locate(null, nested)).hasValue(nab);
    }

    @Test
    void locate_ignoresEnvironmentWithoutNab() throws IOException {
        Path nab = createNabFolder(temp.resolve("shared").resolve("datasets").resolve("nab"));

        assertThat(NabDatasetLocator.locate(temp.resolve("elsewhere").toString(), temp)).hasValue(nab);
    }

    @Test
    void locate_emptyWhenAbsent() throws IOException {
        Files.createDirectories(temp.resolve("shared").resolve("datasets").resolve("nab").resolve("data"));

        assertThat(NabDatasetLocator.locate(null, temp)).isEmpty();
    }
}
