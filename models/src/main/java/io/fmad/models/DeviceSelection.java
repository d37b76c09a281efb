package io.fmad.models;

import ai.djl.Device;

/** Device on which a model runs. */
public enum DeviceSelection {
    /** The first GPU when the engine reports one, the CPU otherwise. */
    AUTO,
    /** The CPU, even when a GPU is present. */
    CPU,
    /** The first GPU. Loading fails when the engine reports no GPU. */
    GPU;

    /**
     * Returns the device for this selection.
     *
     * @param gpuCount number of GPUs that the engine reports
     * @throws IllegalStateException if this is {@link #GPU} and {@code gpuCount} is 0
     */
    Device resolve(int gpuCount) {
        return switch (this) {
            case CPU -> Device.cpu();
            case AUTO -> gpuCount > 0 ? Device.gpu(0) : Device.cpu();
            case GPU -> {
                if (gpuCount <= 0) {
                    throw new IllegalStateException(
                            "Device GPU was requested, but the TensorFlow engine reports no GPU"
                                    + " (Engine.getGpuCount() = "
                                    + gpuCount
                                    + "). Select device CPU or AUTO, or run on a host with a CUDA"
                                    + " 12 GPU and driver.");
                }
                yield Device.gpu(0);
            }
        };
    }
}
