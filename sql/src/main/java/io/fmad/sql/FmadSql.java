package io.fmad.sql;

import org.apache.flink.table.api.TableEnvironment;

import java.util.Map;

/** Registers {@code FMAD_SCORE} in a {@link TableEnvironment} from Java. */
public final class FmadSql {

    private FmadSql() {}

    /**
     * Registers {@link FmadScoreFunction} as temporary system function {@code name}, with {@code
     * options} checked now, on the client, rather than when the query's tasks start.
     *
     * @param options job option keys to values, such as {@code detector.threshold} to {@code
     *     0.999}; see {@link ScoreOptions} for the accepted keys
     * @throws IllegalArgumentException naming the option, the value and what is accepted
     */
    public static void registerFunction(TableEnvironment tableEnv, String name, Map<String, String> options) {
        tableEnv.createTemporarySystemFunction(name, new FmadScoreFunction(ScoreOptions.of(options)));
    }
}
