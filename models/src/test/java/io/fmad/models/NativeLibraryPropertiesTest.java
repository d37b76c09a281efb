package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.util.Platform;

import org.junit.jupiter.api.Test;

/**
 * Checks that DJL picks the CPU platform declared in native/lib/tensorflow.properties, which makes
 * it use the natives of the tensorflow-native-cu121 jar instead of downloading them.
 */
class NativeLibraryPropertiesTest {

    @Test
    void detectPlatform_usesDeclaredCpuPlatform() {
        Platform platform = Platform.detectPlatform("tensorflow");

        assertThat(platform.isPlaceholder()).as("placeholder platform, which downloads").isFalse();
        assertThat(platform.getVersion()).isEqualTo("2.16.1");
        assertThat(platform.getFlavor()).isEqualTo("cpu");
        assertThat(platform.getClassifier()).isEqualTo("linux-x86_64");
        assertThat(platform.getLibraries())
                .containsExactly(
                        "libjnitensorflow.so", "libtensorflow_cc.so.2", "libtensorflow_framework.so.2");
    }

    @Test
    void nativeLibraries_areOnClasspath() {
        ClassLoader classLoader = getClass().getClassLoader();

        for (String library : Platform.detectPlatform("tensorflow").getLibraries()) {
            assertThat(classLoader.getResource("native/lib/" + library)).as(library).isNotNull();
        }
    }
}
