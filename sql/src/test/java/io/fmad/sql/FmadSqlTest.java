package io.fmad.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.Test;

import java.util.Map;

class FmadSqlTest {

    @Test
    void registerFunction_addsSystemFunction() {
        TableEnvironment tableEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());

        FmadSql.registerFunction(tableEnv, "FMAD_SCORE", Map.of("detector.threshold", "0.9995"));

        assertThat(tableEnv.listUserDefinedFunctions()).contains("fmad_score");
    }

    @Test
    void registerFunction_invalidOptionRegistersNothing() {
        TableEnvironment tableEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());

        assertThatThrownBy(() -> FmadSql.registerFunction(tableEnv, "FMAD_SCORE", Map.of("window.slide", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window.slide");
        assertThat(tableEnv.listUserDefinedFunctions()).doesNotContain("fmad_score");
    }
}
