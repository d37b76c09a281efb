package io.fmad.job.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

class SuppressionWindowTest {

    @Test
    void parse_readsPatternAndInstants() {
        SuppressionWindow window = SuppressionWindow.parse(" db-*@2026-12-05T01:00:00Z/2026-12-05T03:00:00Z ");

        assertThat(window.pattern()).isEqualTo("db-*");
        assertThat(window.start()).isEqualTo(Instant.parse("2026-12-05T01:00:00Z").toEpochMilli());
        assertThat(window.end()).isEqualTo(Instant.parse("2026-12-05T03:00:00Z").toEpochMilli());
    }

    @Test
    void covers_startInclusiveEndExclusive() {
        SuppressionWindow window = SuppressionWindow.parse("db-1@2026-12-05T01:00:00Z/2026-12-05T03:00:00Z");

        assertThat(window.covers("db-1", window.start())).isTrue();
        assertThat(window.covers("db-1", window.end() - 1)).isTrue();
        assertThat(window.covers("db-1", window.end())).isFalse();
        assertThat(window.covers("db-10", window.start())).isFalse();
    }

    @ParameterizedTest(name = "{0} ~ {1}")
    @CsvSource({
        "*,anything,true",
        "db-*,db-1,true",
        "db-*,db-,true",
        "db-*,web-1,false",
        "host-0?,host-01,true",
        "host-0?,host-012,false",
        "*-eu-*,web-eu-3,true",
        "a*b*c,aXbYbZc,true",
        "a*b*c,aXbYbZ,false",
        "exact,exact,true",
    })
    void globMatches(String pattern, String key, boolean matches) {
        assertThat(SuppressionWindow.globMatches(pattern, key)).isEqualTo(matches);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "db-1|not of the form",
                "@2026-12-05T01:00:00Z/2026-12-05T03:00:00Z|not of the form",
                "db-1@2026-12-05/2026-12-06|not an ISO-8601 instant",
                "db-1@2026-12-05T03:00:00Z/2026-12-05T01:00:00Z|end is not after the start",
            })
    void parse_rejectsMalformed(String text, String message) {
        assertThatThrownBy(() -> SuppressionWindow.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
