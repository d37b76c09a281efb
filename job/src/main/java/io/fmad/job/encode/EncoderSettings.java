package io.fmad.job.encode;

import io.fmad.models.DeviceSelection;
import io.fmad.models.ModelLocation;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/** Settings of {@link BatchingEncoderOperator}: the model to load and how to form batches. */
public final class EncoderSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final ModelLocation model;
    private final DeviceSelection device;
    private final int batchSize;
    private final long maxWaitMillis;

    /**
     * @param batchSize maximum window rows (one per key and channel) per inference call
     * @param maxWait longest time a buffered window waits before its batch runs anyway
     */
    public EncoderSettings(ModelLocation model, DeviceSelection device, int batchSize, Duration maxWait) {
        this.model = Objects.requireNonNull(model, "model");
        this.device = Objects.requireNonNull(device, "device");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("maxWait must be positive, was " + maxWait);
        }
        this.batchSize = batchSize;
        this.maxWaitMillis = maxWait.toMillis();
    }

    public ModelLocation model() {
        return model;
    }

    public DeviceSelection device() {
        return device;
    }

    public int batchSize() {
        return batchSize;
    }

    public long maxWaitMillis() {
        return maxWaitMillis;
    }
}
