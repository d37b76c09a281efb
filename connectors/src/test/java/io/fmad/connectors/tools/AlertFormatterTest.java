package io.fmad.connectors.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fmad.avro.AnomalyAlert;
import io.fmad.connectors.testing.TestRecords;

class AlertFormatterTest {

    @Test
    void format_writesOneLineWithMainFields() {
        AnomalyAlert alert = TestRecords.alert("host-1", 0);
        alert.getExplanation().setSummary("CPU rose\nsharply");

        String line = AlertFormatter.format(alert);

        assertThat(line).isEqualTo(
                "2024-03-01T12:00:59Z OPEN key=host-1 score=0.9500 threshold=0.9000 severity=HIGH detector=knn"
                        + " summary=\"CPU rose sharply\" cause=\"a runaway process\"");
    }

    @Test
    void format_endsWithNextStepWhenGiven() {
        AnomalyAlert alert = TestRecords.alert("host-1", 0);
        alert.getExplanation().setLikelyCause(null);
        alert.getExplanation().setNextStep("Check the\nnewest deploy");

        assertThat(AlertFormatter.format(alert)).endsWith("summary=\"CPU rose sharply\" next=\"Check the newest deploy\"");
    }

    @Test
    void format_marksMissingExplanation() {
        AnomalyAlert alert = TestRecords.alert("host-1", 0);
        alert.setExplanation(null);

        assertThat(AlertFormatter.format(alert)).endsWith("summary=(no explanation)");
    }
}
