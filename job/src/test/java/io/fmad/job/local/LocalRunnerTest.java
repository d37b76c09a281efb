package io.fmad.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmad.job.config.FmadConfig;
import io.fmad.job.interpret.RunbookEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Checks the runner's own options, which fail before a broker starts. */
class LocalRunnerTest {

    @Test
    void help_describesLogsOption() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        int status = new LocalRunner(new PrintStream(output, true, StandardCharsets.UTF_8)).run(new String[] {"--help"});

        assertThat(status).isZero();
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("[--logs N]")
                .contains("--logs N           log lines per generated host");
    }

    @Test
    void runbooks_defaultToShippedExamples() {
        FmadConfig config = LocalRunner.configuration(new String[0]);

        assertThat(config.runbooks).extracting(RunbookEntry::source).contains("disk-full.md");
    }

    @Test
    void runbooks_noneTurnsRetrievalOff() {
        FmadConfig config = LocalRunner.configuration(new String[] {"--runbooks", "none"});

        assertThat(config.runbooks).isEmpty();
    }

    @Test
    void runbooks_rejectsMissingFolder(@TempDir Path parent) {
        String missing = parent.resolve("missing").toString();

        assertThatThrownBy(() -> LocalRunner.configuration(new String[] {"--runbooks", missing}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid value '" + missing + "' for option 'interpreter.runbooks'");
    }

    @Test
    void logs_rejectsNegativeCount() {
        assertThatThrownBy(() -> runner().run(new String[] {"--logs", "-1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid value '-1' for --logs: expected an integer from 0 to 100000");
    }

    @Test
    void logs_rejectsNonInteger() {
        assertThatThrownBy(() -> runner().run(new String[] {"--logs", "many"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid value 'many' for --logs: expected an integer");
    }

    @Test
    void logs_rejectedWithInput(@TempDir Path input) {
        assertThatThrownBy(() -> runner().run(new String[] {"--input", input.toString(), "--logs", "100"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid value '100' for --logs")
                .hasMessageContaining("remove --logs or --input");
    }

    private static LocalRunner runner() {
        return new LocalRunner(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }
}
