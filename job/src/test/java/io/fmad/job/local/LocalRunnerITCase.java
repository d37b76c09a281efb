package io.fmad.job.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs the demo as {@code scripts/demo.sh} does, in this JVM: an in-process broker, generated
 * metrics and log lines for six hosts (two of each kind of service, so that both kinds of
 * injected log anomaly occur), the job with the shipped model and MiniLM on a MiniCluster, and the
 * printed summary, which the checks read.
 */
class LocalRunnerITCase {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRunnerITCase.class);

    private static final int HOSTS = 6;
    private static final int LOG_LINES = 4_000;

    private static String output;
    private static int status;

    @BeforeAll
    static void runDemo() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        status = new LocalRunner(out).run(new String[] {
            "--keys", String.valueOf(HOSTS), "--days", "2", "--logs", String.valueOf(LOG_LINES), "--seed", "42"});
        output = bytes.toString(StandardCharsets.UTF_8);
        LOG.info("Demo output:\n{}", output);
    }

    @Test
    void demo_exitsWithZero() {
        assertThat(status).isZero();
    }

    @Test
    void demo_printsTopRunbookEntryOfEachAlert() {
        List<String> alertLines = output.lines()
                .filter(line -> line.startsWith("ALERT ") && !line.contains(" RESOLVED key="))
                .toList();

        assertThat(alertLines).isNotEmpty();
        assertThat(alertLines).allSatisfy(line -> assertThat(line).containsPattern(" runbook=\"[^\"]+\" \\(-?\\d\\.\\d\\d\\)$"));
    }

    @Test
    void demo_printsMetricSummaryWithoutLogAlerts() {
        assertThat(output).contains("\nSummary\n").contains("  injected anomalies:\n");
        assertThat(output).containsPattern("incidents matching no injected anomaly \\(false alarms\\): \\d+");
        Matcher written = find("\n  incidents opened +(\\d+) \\(read back committed: (\\d+)\\)");
        assertThat(written.group(2)).as("metric alerts read back, without log alerts").isEqualTo(written.group(1));
    }

    @Test
    void demo_readsEveryLogLine() {
        int lines = HOSTS * LOG_LINES;
        assertThat(output).contains("\nLogs\n");
        assertThat(output).contains("  lines produced          " + lines + "\n");
        assertThat(output).contains("  lines read by the job   " + lines + " (dead letters: 0)\n");
    }

    @Test
    void demo_detectsEveryInjectedLogAnomaly() {
        String section = output.substring(output.indexOf("  injected log anomalies:\n"));
        List<String> rows = section.lines().skip(1).limit(HOSTS).collect(Collectors.toList());

        assertThat(rows).hasSize(HOSTS);
        for (String row : rows) {
            assertThat(row).as("report of an injected log anomaly").containsPattern("host-0\\d +line \\d+ .*detected, score [01]\\.\\d{5}");
        }
    }

    @Test
    void demo_countsLogAlertsAndFalseAlarms() {
        Matcher written = find("\n  log alerts written +(\\d+) \\(read back committed: (\\d+)\\)");
        assertThat(written.group(2)).as("log alerts read back committed").isEqualTo(written.group(1));

        Matcher falseAlarms = find("log alerts matching no injected anomaly \\(false alarms\\): (\\d+)");
        assertThat(Integer.parseInt(falseAlarms.group(1))).as("log alerts on normal lines").isLessThanOrEqualTo(1);
        assertThat(Integer.parseInt(written.group(1)))
                .as("log alerts: one per host plus the false alarms")
                .isEqualTo(HOSTS + Integer.parseInt(falseAlarms.group(1)));
    }

    private static Matcher find(String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(output);
        assertThat(matcher.find()).as("output contains /%s/", regex).isTrue();
        return matcher;
    }
}
