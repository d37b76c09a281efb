package io.fmad.job;

import io.fmad.job.config.ConfigLoader;
import io.fmad.job.config.FmadConfig;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Arrays;
import java.util.Map;

/**
 * Entry point of the job on a Flink cluster.
 *
 * <pre>
 * flink run fmad-job.jar [--config fmad.yaml] [--kafka.bootstrap-servers host:9092] [--key value ...]
 * </pre>
 *
 * <p>Settings are validated, against the model and the Kafka broker too, before the job is
 * submitted; an invalid one fails here with the option's name, the value and what is accepted.
 */
public final class FmadJob {

    private FmadJob() {}

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println("Usage: fmad-job [--config FILE] [--OPTION VALUE ...]\n\nOptions:\n"
                    + ConfigLoader.describeOptions());
            return;
        }
        Map<String, String> settings = ConfigLoader.load(args);
        FmadConfig config = FmadConfig.from(settings);
        FmadPipeline.validate(config);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        FmadPipeline.build(env, config);
        env.execute(config.jobName);
    }
}
