package io.fmad.job;

import io.fmad.job.config.ConfigLoader;
import io.fmad.job.config.FmadConfig;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Entry point of the job on a Flink cluster.
 *
 * <pre>
 * flink run -c io.fmad.job.FmadJob JOB_JAR [--config fmad.yaml] [--kafka.bootstrap-servers host:9092] [--key value ...]
 * </pre>
 *
 * <p>Settings are validated, against the model and the Kafka broker too, before the job is
 * submitted; an invalid one fails here with the option's name, the value and what is accepted.
 */
public final class FmadJob {

    private FmadJob() {}

    public static void main(String[] args) throws Exception {
        run(args, config -> StreamExecutionEnvironment.getExecutionEnvironment());
    }

    /**
     * Parses and validates the settings in {@code args}, builds the job on the environment that
     * {@code environments} returns for them, and runs it until it ends.
     */
    public static void run(String[] args, Function<FmadConfig, StreamExecutionEnvironment> environments)
            throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println("Usage: fmad-job [--config FILE] [--OPTION VALUE ...]\n\nOptions:\n"
                    + ConfigLoader.describeOptions());
            return;
        }
        FmadConfig config = FmadConfig.from(ConfigLoader.load(args));
        FmadPipeline.validate(config);

        StreamExecutionEnvironment env = environments.apply(config);
        FmadPipeline.build(env, config);
        env.execute(config.jobName);
    }
}
