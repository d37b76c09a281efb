package io.fmad.job.interpret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmad.job.config.FmadConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class RunbookLibraryTest {

    /** The example folder at the repository's top level; Maven runs tests in the job module. */
    static final Path SHIPPED = Path.of("..", "runbooks");

    @TempDir
    Path folder;

    @Test
    void load_readsShippedExamples() {
        List<RunbookEntry> entries = RunbookLibrary.load(SHIPPED);

        assertThat(entries).hasSizeBetween(5, 8);
        assertThat(entries).extracting(RunbookEntry::source).isSorted().contains("disk-full.md");
        RunbookEntry diskFull =
                entries.stream().filter(entry -> entry.source().equals("disk-full.md")).findFirst().orElseThrow();
        assertThat(diskFull.title()).isEqualTo("Disk full");
        assertThat(diskFull.body()).startsWith("Signs:").doesNotContain("# Disk full");
    }

    @Test
    void load_ignoresOtherFilesAndSubfolders() throws IOException {
        Files.writeString(folder.resolve("b.md"), "# Second\nbody b");
        Files.writeString(folder.resolve("A.MD"), "intro before the title\n## First ##\n\nbody a\n");
        Files.writeString(folder.resolve("notes.txt"), "# Not an entry");
        Files.createDirectory(folder.resolve("drafts.md"));

        List<RunbookEntry> entries = RunbookLibrary.load(folder);

        assertThat(entries).containsExactly(
                new RunbookEntry("A.MD", "First", "body a"), new RunbookEntry("b.md", "Second", "body b"));
    }

    @Test
    void load_rejectsMissingFolder() {
        assertThatThrownBy(() -> RunbookLibrary.load(folder.resolve("missing")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void load_rejectsFolderWithoutEntries() throws IOException {
        Files.writeString(folder.resolve("readme.txt"), "# Not an entry");

        assertThatThrownBy(() -> RunbookLibrary.load(folder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contains no *.md file");
    }

    @Test
    void load_rejectsEntryWithoutHeading() throws IOException {
        Files.writeString(folder.resolve("plain.md"), "Just text.\n#hashtag is no heading\n");

        assertThatThrownBy(() -> RunbookLibrary.load(folder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain.md has no Markdown heading");
    }

    @Test
    void load_rejectsEntryThatIsNotUtf8() throws IOException {
        Files.write(folder.resolve("latin1.md"), new byte[] {'#', ' ', 'C', 'a', 'f', (byte) 0xE9});

        assertThatThrownBy(() -> RunbookLibrary.load(folder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latin1.md is not valid UTF-8");
    }

    @Test
    void config_namesOptionValueAndAcceptedForm() {
        String missing = folder.resolve("missing").toString();

        assertThatThrownBy(() -> FmadConfig.from(Map.of("interpreter.runbooks", missing)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid value '" + missing + "' for option 'interpreter.runbooks'")
                .hasMessageContaining("Expected a readable directory with at least one UTF-8 *.md file");
    }

    @Test
    void config_readsEntriesAndTopK() {
        FmadConfig config =
                FmadConfig.from(Map.of("interpreter.runbooks", SHIPPED.toString(), "interpreter.top-k", "2"));

        assertThat(config.runbooks).hasSizeBetween(5, 8);
        assertThat(config.interpreterTopK).isEqualTo(2);
    }

    @Test
    void config_withoutRunbooksHasNoEntries() {
        FmadConfig config = FmadConfig.from(Map.of());

        assertThat(config.runbooks).isEmpty();
        assertThat(config.interpreterTopK).isEqualTo(3);
    }

    @Test
    void config_rejectsTopKOfZero() {
        assertThatThrownBy(() -> FmadConfig.from(Map.of("interpreter.top-k", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'interpreter.top-k'");
    }
}
