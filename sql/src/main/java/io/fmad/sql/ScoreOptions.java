package io.fmad.sql;

import io.fmad.job.FmadPipeline;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.config.FmadOptions;
import io.fmad.job.detect.DetectorSettings;
import io.fmad.models.DeviceSelection;
import io.fmad.models.ModelDescriptor;
import io.fmad.models.ModelLocation;

import org.apache.flink.configuration.ConfigOption;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The job options that {@code FMAD_SCORE} accepts: {@code window.*}, {@code encoder.model}, {@code
 * encoder.device} and {@code detector.*}, with the DataStream job's keys, defaults and checks.
 *
 * <p>The Kafka, checkpoint and interpreter options of the job do not apply to a SQL function,
 * because the query's own tables and the SQL client's configuration set those. Passing one is
 * an error rather than being silently ignored.
 */
public final class ScoreOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Prefix of the options in Flink's {@code pipeline.global-job-parameters}. */
    public static final String JOB_PARAMETER_PREFIX = "fmad.";

    private static final List<String> ACCEPTED_PREFIXES = List.of("window.", "detector.");
    private static final List<String> ACCEPTED_KEYS =
            List.of(FmadOptions.MODEL.key(), FmadOptions.DEVICE.key());

    // A TreeMap, not Map.of, so it serializes and lists keys in a stable order in messages.
    private final TreeMap<String, String> settings;

    private transient FmadConfig config;
    private transient ModelDescriptor descriptor;

    private ScoreOptions(TreeMap<String, String> settings) {
        this.settings = settings;
    }

    /**
     * Parses and checks {@code settings} against the model's descriptor.
     *
     * @throws IllegalArgumentException naming the option, the value and what is accepted, for a
     *     key that does not apply to the SQL function, an invalid value, or a model that does not
     *     take windows of {@code window.size} points
     */
    public static ScoreOptions of(Map<String, String> settings) {
        List<String> rejected = new ArrayList<>();
        for (String key : settings.keySet()) {
            if (!isAccepted(key)) {
                rejected.add(key);
            }
        }
        if (!rejected.isEmpty()) {
            throw new IllegalArgumentException(
                    "Option(s) " + rejected + " do not apply to FMAD_SCORE. Accepted: "
                            + acceptedKeys() + "; set Kafka and checkpoint settings on the tables and"
                            + " the SQL session instead.");
        }
        ScoreOptions options = new ScoreOptions(new TreeMap<>(settings));
        options.parse();
        return options;
    }

    /** Returns whether FMAD_SCORE accepts option {@code key}. */
    static boolean isAccepted(String key) {
        return ACCEPTED_KEYS.contains(key) || ACCEPTED_PREFIXES.stream().anyMatch(key::startsWith);
    }

    /** Returns the keys that FMAD_SCORE accepts, in the order of the job's option list. */
    static List<String> acceptedKeys() {
        List<String> keys = new ArrayList<>();
        for (ConfigOption<?> option : FmadOptions.ALL) {
            if (isAccepted(option.key())) {
                keys.add(option.key());
            }
        }
        return keys;
    }

    private void parse() {
        config = FmadConfig.from(new HashMap<>(settings));
        descriptor = FmadPipeline.validateModel(config);
    }

    private FmadConfig config() {
        if (config == null) {
            parse();
        }
        return config;
    }

    /** Returns the options as given, for logs. */
    public Map<String, String> settings() {
        return new TreeMap<>(settings);
    }

    public int windowSize() {
        return config().windowSize;
    }

    public int windowSlide() {
        return config().windowSlide;
    }

    public int baselineSpan() {
        return config().baselineSpan;
    }

    public ModelLocation model() {
        return FmadPipeline.parseModelLocation(config().model);
    }

    public DeviceSelection device() {
        return DeviceSelection.valueOf(config().device.name());
    }

    /** Returns the model's descriptor, read when the options were parsed. */
    public ModelDescriptor descriptor() {
        config();
        return descriptor;
    }

    /** Returns the detector's settings, with the model's suggested signals and z-score applied. */
    public DetectorSettings detectorSettings() {
        return FmadPipeline.detectorSettings(config());
    }
}
