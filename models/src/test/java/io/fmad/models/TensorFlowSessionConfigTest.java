package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

import java.util.Base64;

class TensorFlowSessionConfigTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty(TensorFlowModelLoader.INTRA_OP_THREADS_PROPERTY);
        System.clearProperty(TensorFlowModelLoader.INTER_OP_THREADS_PROPERTY);
    }

    @Test
    void cpuSession_runsInlineWithoutGpus() throws Exception {
        ConfigProto config = decode(TensorFlowModelLoader.sessionConfig(Device.cpu()));

        assertThat(config.getIntraOpParallelismThreads()).isEqualTo(1);
        assertThat(config.getInterOpParallelismThreads()).isEqualTo(-1);
        assertThat(config.getDeviceCountMap()).containsEntry("GPU", 0);
    }

    @Test
    void cpuSession_keepsThreadCountsGivenToDjl() throws Exception {
        System.setProperty(TensorFlowModelLoader.INTRA_OP_THREADS_PROPERTY, "4");
        System.setProperty(TensorFlowModelLoader.INTER_OP_THREADS_PROPERTY, "2");

        ConfigProto config = decode(TensorFlowModelLoader.sessionConfig(Device.cpu()));

        assertThat(config.getIntraOpParallelismThreads()).isEqualTo(4);
        assertThat(config.getInterOpParallelismThreads()).isEqualTo(2);
    }

    private static ConfigProto decode(String base64) throws Exception {
        return ConfigProto.parseFrom(Base64.getDecoder().decode(base64));
    }
}
