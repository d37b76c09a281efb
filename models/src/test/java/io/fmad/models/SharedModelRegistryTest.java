package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.djl.Device;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Loads the shipped model through {@link SharedModelRegistry} with the real TensorFlow engine. */
class SharedModelRegistryTest {

    private static final ModelLocation SHIPPED = ModelLocation.defaultModel();

    @TempDir Path workDirectory;

    private SharedModelRegistry registry;

    @BeforeAll
    static void startEngine() throws Exception {
        TensorFlowTestEngine.start();
    }

    @BeforeEach
    void createRegistry() {
        registry = new SharedModelRegistry(workDirectory.resolve("extracted"));
    }

    @Test
    void acquire_twiceLoadsModelOnce() {
        float[][] windows = TestWindows.sineWindows(2, 64, 9L);
        SharedModel first = registry.acquire(SHIPPED, DeviceSelection.CPU);
        SharedModel second = registry.acquire(SHIPPED, DeviceSelection.CPU);

        assertThat(registry.loadCount()).isEqualTo(1);
        assertThat(registry.references(SHIPPED, Device.cpu())).isEqualTo(2);
        assertThat(second.modelDirectory()).isEqualTo(first.modelDirectory());

        first.close();
        assertThat(registry.references(SHIPPED, Device.cpu())).isEqualTo(1);
        try (WindowEncoder encoder = second.newEncoder()) {
            assertThat(encoder.encode(windows).size()).isEqualTo(2);
        }

        second.close();
        assertThat(registry.references(SHIPPED, Device.cpu())).isZero();

        try (SharedModel third = registry.acquire(SHIPPED, DeviceSelection.CPU)) {
            assertThat(registry.loadCount()).isEqualTo(2);
            try (WindowEncoder encoder = third.newEncoder()) {
                assertThat(encoder.encode(windows).size()).isEqualTo(2);
            }
        }
    }

    @Test
    void acquire_concurrentCallsLoadOnce() throws Exception {
        int threads = 4;
        CountDownLatch ready = new CountDownLatch(threads);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        List<SharedModel> handles = new ArrayList<>();
        try {
            List<Future<SharedModel>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(
                        executor.submit(
                                () -> {
                                    ready.countDown();
                                    ready.await();
                                    return registry.acquire(SHIPPED, DeviceSelection.CPU);
                                }));
            }
            for (Future<SharedModel> future : futures) {
                handles.add(future.get(60, TimeUnit.SECONDS));
            }

            assertThat(registry.loadCount()).isEqualTo(1);
            assertThat(registry.references(SHIPPED, Device.cpu())).isEqualTo(threads);
        } finally {
            executor.shutdownNow();
            handles.forEach(SharedModel::close);
        }
        assertThat(registry.references(SHIPPED, Device.cpu())).isZero();
    }

    @Test
    void acquire_autoSharesCpuModelOnHostWithoutGpu() {
        assumeThat(TensorFlowModelLoader.engine().getGpuCount()).as("GPU count").isZero();

        try (SharedModel auto = registry.acquire(SHIPPED, DeviceSelection.AUTO);
                SharedModel cpu = registry.acquire(SHIPPED, DeviceSelection.CPU)) {
            assertThat(auto.device()).isEqualTo(Device.cpu());
            assertThat(cpu.modelDirectory()).isEqualTo(auto.modelDirectory());
            assertThat(registry.loadCount()).isEqualTo(1);
            assertThat(registry.references(SHIPPED, Device.cpu())).isEqualTo(2);
        }
    }

    @Test
    void acquire_gpuOnHostWithoutGpuFails() {
        assumeThat(TensorFlowModelLoader.engine().getGpuCount()).as("GPU count").isZero();

        assertThatThrownBy(() -> registry.acquire(SHIPPED, DeviceSelection.GPU))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Device GPU was requested")
                .hasMessageContaining("reports no GPU");
        assertThat(registry.loadCount()).isZero();
    }

    @Test
    void handle_closeTwiceReleasesOnce() {
        SharedModel first = registry.acquire(SHIPPED, DeviceSelection.CPU);
        SharedModel second = registry.acquire(SHIPPED, DeviceSelection.CPU);

        first.close();
        first.close();

        assertThat(first.isClosed()).isTrue();
        assertThat(registry.references(SHIPPED, Device.cpu())).isEqualTo(1);
        second.close();
    }

    @Test
    void handle_closeClosesItsEncoders() {
        SharedModel handle = registry.acquire(SHIPPED, DeviceSelection.CPU);
        WindowEncoder encoder = handle.newEncoder();

        handle.close();

        assertThatThrownBy(() -> encoder.encode(TestWindows.sineWindows(1, 64, 1L)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        assertThatThrownBy(handle::newEncoder)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        encoder.close();
    }

    @Test
    void acquire_filesystemLocationLoadsCopiedModel() throws IOException {
        Path directory = copyShippedModel("copy");
        ModelLocation location = ModelLocation.directory(directory);

        try (SharedModel handle = registry.acquire(location, DeviceSelection.CPU);
                WindowEncoder encoder = handle.newEncoder()) {
            assertThat(handle.modelDirectory()).isEqualTo(directory);
            assertThat(handle.location()).isEqualTo(location);
            assertThat(encoder.encode(TestWindows.sineWindows(3, 64, 2L)).size()).isEqualTo(3);
        }
    }

    @Test
    void acquire_modelInJarUsesContextClassLoader() throws IOException {
        Path jar = jarWithShippedModel("models-in-jar/fmad-ts-ae/1");
        ModelLocation location = ModelLocation.parse("classpath:models-in-jar/fmad-ts-ae/1");
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();

        try (URLClassLoader jarClassLoader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            thread.setContextClassLoader(jarClassLoader);
            try (SharedModel handle = registry.acquire(location, DeviceSelection.CPU);
                    WindowEncoder encoder = handle.newEncoder()) {
                assertThat(handle.modelDirectory()).startsWith(workDirectory.resolve("extracted"));
                assertThat(handle.descriptor().id()).isEqualTo("fmad-ts-ae");
                assertThat(encoder.encode(TestWindows.sineWindows(2, 64, 4L)).size()).isEqualTo(2);
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Test
    void acquire_missingDirectoryFails() {
        Path missing = workDirectory.resolve("no-such-model");

        assertThatThrownBy(() -> registry.acquire(ModelLocation.directory(missing), DeviceSelection.CPU))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Model directory " + missing)
                .hasMessageContaining("not found");
    }

    @Test
    void acquire_directoryWithoutDescriptorFails() throws IOException {
        Path directory = copyShippedModel("no-descriptor");
        Files.delete(directory.resolve(ModelDescriptor.FILE_NAME));

        assertThatThrownBy(() -> registry.acquire(ModelLocation.directory(directory), DeviceSelection.CPU))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Model descriptor " + directory.resolve("model.properties") + " not found")
                .hasMessageContaining("Every model needs a descriptor");
    }

    @Test
    void acquire_missingClasspathModelFails() {
        ModelLocation location = ModelLocation.classpath("io/fmad/models/no-such-model/1");

        assertThatThrownBy(() -> registry.acquire(location, DeviceSelection.CPU))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("classpath:io/fmad/models/no-such-model/1/model.properties not found on the classpath");
    }

    @Test
    void acquire_descriptorWithUnknownOutputFails() throws IOException {
        Path directory = copyShippedModel("unknown-output");
        overrideProperty(directory, ModelDescriptor.EMBEDDING_OUTPUT_NAME, "latent");

        assertThatThrownBy(() -> registry.acquire(ModelLocation.directory(directory), DeviceSelection.CPU))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Signature serving_default")
                .hasMessageContaining("outputs [embedding, reconstruction]")
                .hasMessageContaining("declares an output named latent");
        assertThat(registry.references(ModelLocation.directory(directory), Device.cpu())).isZero();
    }

    @Test
    void acquire_descriptorWithOtherInputLengthFails() throws IOException {
        Path directory = copyShippedModel("other-length");
        overrideProperty(directory, ModelDescriptor.INPUT_LENGTH, "32");
        overrideProperty(directory, ModelDescriptor.RECONSTRUCTION_DIM, "32");

        assertThatThrownBy(() -> registry.acquire(ModelLocation.directory(directory), DeviceSelection.CPU))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor 'window' with shape (-1, 64)")
                .hasMessageContaining("declares [batch, 32]");
    }

    @Test
    void acquire_descriptorWithOtherEngineFails() throws IOException {
        Path directory = copyShippedModel("other-engine");
        overrideProperty(directory, ModelDescriptor.ENGINE, "PyTorch");

        assertThatThrownBy(() -> registry.acquire(ModelLocation.directory(directory), DeviceSelection.CPU))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Invalid property engine=PyTorch")
                .hasMessageContaining("supported engines are TensorFlow and OnnxRuntime");
    }

    @Test
    void acquire_descriptorWithUnknownSignatureFails() throws IOException {
        Path directory = copyShippedModel("unknown-signature");
        overrideProperty(directory, ModelDescriptor.SIGNATURE, "classify");

        assertThatThrownBy(() -> registry.acquire(ModelLocation.directory(directory), DeviceSelection.CPU))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no signature 'classify' for tags [serve]")
                .hasMessageContaining("serving_default")
                .hasMessageContaining("Set signature in model.properties");
    }

    @Test
    void acquire_descriptorWithUnknownTagsFails() throws IOException {
        Path directory = copyShippedModel("unknown-tags");
        overrideProperty(directory, ModelDescriptor.TAGS, "serve, gpu");

        assertThatThrownBy(() -> registry.acquire(ModelLocation.directory(directory), DeviceSelection.CPU))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no meta graph with tags [gpu, serve]; it has [[serve]]");
    }

    /** Copies the extracted shipped model to a new directory under the test's work directory. */
    private Path copyShippedModel(String name) throws IOException {
        Path source;
        try (SharedModel shipped = registry.acquire(SHIPPED, DeviceSelection.CPU)) {
            source = shipped.modelDirectory();
        }
        Path target = workDirectory.resolve(name);
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy);
                }
            }
        }
        return target;
    }

    /** Writes the shipped model files into a jar under another resource directory. */
    private Path jarWithShippedModel(String resourceDirectory) throws IOException {
        Path source = copyShippedModel("jar-source");
        Path jar = workDirectory.resolve("model.jar");
        try (OutputStream output = Files.newOutputStream(jar);
                JarOutputStream jarOutput = new JarOutputStream(output);
                Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                String entry = resourceDirectory + "/" + source.relativize(path);
                jarOutput.putNextEntry(new JarEntry(entry));
                Files.copy(path, jarOutput);
                jarOutput.closeEntry();
            }
        }
        return jar;
    }

    private static void overrideProperty(Path directory, String key, String value)
            throws IOException {
        Path file = directory.resolve(ModelDescriptor.FILE_NAME);
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        properties.setProperty(key, value);
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(writer, null);
        }
    }
}
