package io.fmad.models;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Starts DJL's TensorFlow engine once per test JVM, from an empty cache directory.
 *
 * <p>A warm {@code ~/.djl.ai} cache hides a missing or wrong {@code native/lib/tensorflow.properties}:
 * DJL would find natives extracted by an earlier run and never try the classpath. The surefire
 * configuration in this module points {@code DJL_CACHE_DIR} and {@code ENGINE_CACHE_DIR} (both
 * as environment variables, which DJL reads first, and as system properties) at a directory under
 * {@code target/}. The first {@link #start()} deletes that directory before the engine starts, so
 * every test run extracts the natives from the classpath again (about 1.1 GB, 12 to 15 s).
 *
 * <p>Every test that touches the engine calls {@link #start()} first, so the cache is emptied
 * whichever test class runs first.
 */
final class TensorFlowTestEngine {

    /** Directory name DJL 0.36 uses for the natives declared in native/lib/tensorflow.properties. */
    static final String NATIVE_DIRECTORY = "tensorflow/2.16.1-cpu-linux-x86_64";

    // DJL's TensorFlow LibUtils sets this property when it loads the natives.
    private static final String PRELOAD_PATH_PROPERTY = "org.bytedeco.javacpp.platform.preloadpath";

    /** Facts about the engine start, checked by OfflineEngineStartTest. */
    record Start(Path cacheDirectory, boolean cacheWasEmpty, long startMillis, Engine engine) {}

    private static Start start;

    private TensorFlowTestEngine() {}

    static synchronized Start start() throws IOException {
        if (start != null) {
            return start;
        }
        if (System.getProperty(PRELOAD_PATH_PROPERTY) != null) {
            throw new IllegalStateException(
                    "The TensorFlow engine started before TensorFlowTestEngine.start(), so the"
                            + " empty-cache start cannot be checked. Call start() in every test"
                            + " that touches the engine.");
        }
        Path cacheDirectory = requiredPath("fmad.test.djl-cache-dir");
        Path buildDirectory = requiredPath("fmad.test.build-dir");
        if (!cacheDirectory.startsWith(buildDirectory)) {
            // The directory is deleted below; never delete anything outside target/.
            throw new IllegalStateException(
                    "Test cache directory " + cacheDirectory + " is not under " + buildDirectory);
        }
        requireDjlReads("ENGINE_CACHE_DIR", Utils.getEngineCacheDir(), cacheDirectory);
        requireDjlReads("DJL_CACHE_DIR", Utils.getCacheDir(), cacheDirectory);

        deleteRecursively(cacheDirectory);
        Files.createDirectories(cacheDirectory);
        boolean cacheWasEmpty;
        try (Stream<Path> entries = Files.list(cacheDirectory)) {
            cacheWasEmpty = entries.findAny().isEmpty();
        }

        long startNanos = System.nanoTime();
        Engine engine = Engine.getEngine(TensorFlowModelLoader.ENGINE_NAME);
        long startMillis = (System.nanoTime() - startNanos) / 1_000_000;

        start = new Start(cacheDirectory, cacheWasEmpty, startMillis, engine);
        return start;
    }

    /** Directory from which DJL loaded the natives, or null if it has not loaded them. */
    static String nativePreloadPath() {
        return System.getProperty(PRELOAD_PATH_PROPERTY);
    }

    private static Path requiredPath(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    "System property " + property + " is not set; run the tests with Maven");
        }
        return Paths.get(value).toAbsolutePath().normalize();
    }

    private static void requireDjlReads(String variable, Path actual, Path expected) {
        if (!actual.toAbsolutePath().normalize().equals(expected)) {
            throw new IllegalStateException(
                    "DJL reads "
                            + variable
                            + " as "
                            + actual
                            + ", expected "
                            + expected
                            + ". Check the surefire environmentVariables in models/pom.xml.");
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
