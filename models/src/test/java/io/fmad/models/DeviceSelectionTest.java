package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeviceSelectionTest {

    @ParameterizedTest
    @CsvSource({
        "AUTO, 0, cpu",
        "AUTO, 1, gpu",
        "AUTO, 4, gpu",
        "CPU, 0, cpu",
        "CPU, 2, cpu",
        "GPU, 1, gpu",
        "GPU, 8, gpu"
    })
    void resolve_picksDevice(DeviceSelection selection, int gpuCount, String deviceType) {
        Device device = selection.resolve(gpuCount);

        assertThat(device.getDeviceType()).isEqualTo(deviceType);
        assertThat(device).isEqualTo(deviceType.equals("gpu") ? Device.gpu(0) : Device.cpu());
    }

    @ParameterizedTest
    @CsvSource({"0", "-1"})
    void resolve_gpuWithoutGpuFails(int gpuCount) {
        assertThatThrownBy(() -> DeviceSelection.GPU.resolve(gpuCount))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Device GPU was requested")
                .hasMessageContaining("Engine.getGpuCount() = " + gpuCount)
                .hasMessageContaining("Select device CPU or AUTO");
    }
}
