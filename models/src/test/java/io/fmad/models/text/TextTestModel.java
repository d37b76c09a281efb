package io.fmad.models.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Loads the shared {@link MiniLmModel} once per test JVM, after deleting the tokenizers natives
 * from the test cache directory.
 *
 * <p>The surefire configuration of this module points DJL's cache at a directory under {@code
 * target/} and enables DJL offline mode. Deleting the {@code tokenizers} subdirectory first means
 * that the tokenizers native library must be extracted from the classpath again, as on an
 * air-gapped cluster, instead of being found from an earlier run. Every test that touches the
 * model calls {@link #model()} first, so the deletion happens before the first load.
 */
final class TextTestModel {

    /** Subdirectory of DJL's engine cache that receives the tokenizers native library. */
    static final String TOKENIZERS_CACHE = "tokenizers";

    // DJL's TensorFlow LibUtils sets this property when it loads the TensorFlow natives.
    private static final String TENSORFLOW_PRELOAD_PATH =
            "org.bytedeco.javacpp.platform.preloadpath";

    private static MiniLmModel model;
    private static boolean tensorFlowLoadedBefore;
    private static boolean tensorFlowLoadedAfter;

    private TextTestModel() {}

    static synchronized MiniLmModel model() throws IOException {
        if (model == null) {
            deleteRecursively(tokenizersCacheDirectory());
            tensorFlowLoadedBefore = System.getProperty(TENSORFLOW_PRELOAD_PATH) != null;
            model = MiniLmModel.shared();
            tensorFlowLoadedAfter = System.getProperty(TENSORFLOW_PRELOAD_PATH) != null;
        }
        return model;
    }

    /** Returns whether the TensorFlow natives were loaded before the first model load. */
    static synchronized boolean tensorFlowLoadedBefore() {
        return tensorFlowLoadedBefore;
    }

    /** Returns whether the TensorFlow natives were loaded right after the first model load. */
    static synchronized boolean tensorFlowLoadedAfter() {
        return tensorFlowLoadedAfter;
    }

    static Path tokenizersCacheDirectory() {
        Path cacheDirectory = requiredPath("fmad.test.djl-cache-dir");
        Path buildDirectory = requiredPath("fmad.test.build-dir");
        if (!cacheDirectory.startsWith(buildDirectory)) {
            // Callers delete this directory, so it must lie under target/.
            throw new IllegalStateException(
                    "Test cache directory " + cacheDirectory + " is not under " + buildDirectory);
        }
        return cacheDirectory.resolve(TOKENIZERS_CACHE);
    }

    private static Path requiredPath(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    "System property " + property + " is not set; run the tests with Maven");
        }
        return Paths.get(value).toAbsolutePath().normalize();
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
