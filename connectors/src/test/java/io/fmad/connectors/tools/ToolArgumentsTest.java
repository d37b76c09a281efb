package io.fmad.connectors.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ToolArgumentsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "replay  | --bootstrap-servers 127.0.0.1:1 --topic t --input x --speed 3 | --speed",
        "replay  | --bootstrap-servers 127.0.0.1:1 --topic t --input x --rate fast | fast",
        "replay  | --bootstrap-servers 127.0.0.1:1 --topic t --input x --rate -1   | -1",
        "replay  | --bootstrap-servers 127.0.0.1:1 --topic t                       | --input",
        "replay  | --bootstrap-servers 127.0.0.1:1 --topic t --input x --rate      | --rate",
        "replay  | extra --topic t                                                  | extra",
        "console | --bootstrap-servers 127.0.0.1:1 --topic t --max-alerts 2.5      | 2.5",
        "console | --bootstrap-servers 127.0.0.1:1 --topic t --from-beginning=yes  | yes",
        "console | --bootstrap-servers 127.0.0.1:1 --topic t --topic u             | --topic",
        "console | --bootstrap-servers 127.0.0.1:1 --group g                       | --group",
    })
    void tools_rejectBadArgumentsWithExitCode2(String tool, String arguments, String named) {
        BiFunction<String[], PrintStream[], Integer> run = tool.equals("replay")
                ? (args, streams) -> ReplayTool.run(args, streams[0], streams[1])
                : (args, streams) -> AlertConsoleConsumer.run(args, streams[0], streams[1]);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        int exitCode = run.apply(arguments.split(" +"), new PrintStream[] {out, new PrintStream(err, true, StandardCharsets.UTF_8)});

        assertThat(exitCode).isEqualTo(2);
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(message).contains(named);
        assertThat(message).contains("Usage:");
    }
}
