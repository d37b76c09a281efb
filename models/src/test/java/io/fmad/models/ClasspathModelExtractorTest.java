package io.fmad.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Extracts small synthetic models; the extractor copies bytes and never parses the SavedModel. */
class ClasspathModelExtractorTest {

    private static final String RESOURCE_DIRECTORY = "models/test-ae/1";
    private static final ModelLocation LOCATION = ModelLocation.classpath(RESOURCE_DIRECTORY);

    @TempDir Path workDirectory;

    private Path extractionRoot;

    @BeforeEach
    void setUp() {
        extractionRoot = workDirectory.resolve("extracted");
    }

    @Test
    void extract_fromDirectoryCopiesStandardLayout() throws IOException {
        Map<String, byte[]> files = standardModel(1L);

        try (URLClassLoader classLoader = directoryClassLoader("classes", files)) {
            Path directory = new ClasspathModelExtractor(extractionRoot).extract(LOCATION, classLoader);

            assertThat(directory.getParent()).isEqualTo(extractionRoot);
            assertThat(directory.getFileName().toString()).matches("test-ae-1-[0-9a-f]{16}");
            assertSameFiles(directory, files);
        }
        assertThat(entries(extractionRoot)).hasSize(1);
    }

    @Test
    void extract_fromJarCopiesStandardLayout() throws IOException {
        Map<String, byte[]> files = standardModel(1L);

        try (URLClassLoader classLoader = jarClassLoader("model.jar", files)) {
            Path directory = new ClasspathModelExtractor(extractionRoot).extract(LOCATION, classLoader);

            assertSameFiles(directory, files);
        }
    }

    @Test
    void extract_sameContentReusesDirectory() throws IOException {
        Map<String, byte[]> files = standardModel(1L);

        try (URLClassLoader fromDirectory = directoryClassLoader("classes", files);
                URLClassLoader fromJar = jarClassLoader("model.jar", files)) {
            Path first = new ClasspathModelExtractor(extractionRoot).extract(LOCATION, fromDirectory);
            Path second = new ClasspathModelExtractor(extractionRoot).extract(LOCATION, fromJar);

            assertThat(second).isEqualTo(first);
        }
        assertThat(entries(extractionRoot)).hasSize(1);
    }

    @Test
    void extract_changedContentGetsNewDirectory() throws IOException {
        try (URLClassLoader original = directoryClassLoader("original", standardModel(1L));
                URLClassLoader retrained = directoryClassLoader("retrained", standardModel(2L))) {
            Path first = new ClasspathModelExtractor(extractionRoot).extract(LOCATION, original);
            Path second = new ClasspathModelExtractor(extractionRoot).extract(LOCATION, retrained);

            assertThat(second).isNotEqualTo(first);
            assertThat(second.getFileName().toString()).startsWith("test-ae-1-");
        }
    }

    @Test
    void extract_modelWithoutVariables() throws IOException {
        Map<String, byte[]> files = standardModel(1L);
        files.remove(ClasspathModelExtractor.VARIABLES_INDEX);
        files.remove(ClasspathModelExtractor.VARIABLES_DATA);

        try (URLClassLoader classLoader = jarClassLoader("model.jar", files)) {
            Path directory = new ClasspathModelExtractor(extractionRoot).extract(LOCATION, classLoader);

            assertSameFiles(directory, files);
        }
    }

    @Test
    void extract_copiesFingerprintWhenPresent() throws IOException {
        Map<String, byte[]> files = standardModel(1L);
        files.put("fingerprint.pb", bytes(5L, 40));

        try (URLClassLoader classLoader = jarClassLoader("model.jar", files)) {
            Path directory = new ClasspathModelExtractor(extractionRoot).extract(LOCATION, classLoader);

            assertSameFiles(directory, files);
        }
    }

    @Test
    void extract_variablesIndexWithoutDataFails() throws IOException {
        Map<String, byte[]> files = standardModel(1L);
        files.remove(ClasspathModelExtractor.VARIABLES_DATA);

        try (URLClassLoader classLoader = jarClassLoader("model.jar", files)) {
            ClasspathModelExtractor extractor = new ClasspathModelExtractor(extractionRoot);

            assertThatThrownBy(() -> extractor.extract(LOCATION, classLoader))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("has variables/variables.index but no")
                    .hasMessageContaining("needs a model.files resource");
        }
    }

    @Test
    void extract_manifestListsEveryFile() throws IOException {
        Map<String, byte[]> files = standardModel(1L);
        files.remove(ClasspathModelExtractor.VARIABLES_DATA);
        files.put("variables/variables.data-00000-of-00002", bytes(6L, 300));
        files.put("variables/variables.data-00001-of-00002", bytes(7L, 300));
        files.put("assets/vocabulary.txt", "a\nb\n".getBytes(StandardCharsets.UTF_8));
        StringBuilder manifest = new StringBuilder("# files of the test model\n\n");
        for (String file : files.keySet()) {
            manifest.append(file).append('\n');
        }
        Map<String, byte[]> resources = new LinkedHashMap<>(files);
        resources.put(
                ClasspathModelExtractor.MANIFEST_NAME,
                manifest.toString().getBytes(StandardCharsets.UTF_8));

        try (URLClassLoader classLoader = jarClassLoader("model.jar", resources)) {
            Path directory = new ClasspathModelExtractor(extractionRoot).extract(LOCATION, classLoader);

            assertSameFiles(directory, files);
        }
    }

    @Test
    void extract_manifestWithoutSavedModelFails() throws IOException {
        Map<String, byte[]> resources = standardModel(1L);
        resources.put(
                ClasspathModelExtractor.MANIFEST_NAME,
                "model.properties\n".getBytes(StandardCharsets.UTF_8));

        try (URLClassLoader classLoader = jarClassLoader("model.jar", resources)) {
            ClasspathModelExtractor extractor = new ClasspathModelExtractor(extractionRoot);

            assertThatThrownBy(() -> extractor.extract(LOCATION, classLoader))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("does not list saved_model.pb");
        }
    }

    @Test
    void extract_manifestWithParentSegmentFails() throws IOException {
        Map<String, byte[]> resources = standardModel(1L);
        resources.put(
                ClasspathModelExtractor.MANIFEST_NAME,
                "model.properties\nsaved_model.pb\n../other/secret\n".getBytes(StandardCharsets.UTF_8));

        try (URLClassLoader classLoader = jarClassLoader("model.jar", resources)) {
            ClasspathModelExtractor extractor = new ClasspathModelExtractor(extractionRoot);

            assertThatThrownBy(() -> extractor.extract(LOCATION, classLoader))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("Invalid entry '../other/secret'");
        }
    }

    @Test
    void extract_manifestEntryMissingOnClasspathFails() throws IOException {
        Map<String, byte[]> resources = standardModel(1L);
        resources.put(
                ClasspathModelExtractor.MANIFEST_NAME,
                "model.properties\nsaved_model.pb\nassets/missing.txt\n".getBytes(StandardCharsets.UTF_8));

        try (URLClassLoader classLoader = jarClassLoader("model.jar", resources)) {
            ClasspathModelExtractor extractor = new ClasspathModelExtractor(extractionRoot);

            assertThatThrownBy(() -> extractor.extract(LOCATION, classLoader))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("Model file assets/missing.txt not found on the classpath");
        }
        assertThat(entries(extractionRoot)).as("temporary directories left behind").isEmpty();
    }

    @Test
    void extract_missingModelNamesLocation() throws IOException {
        try (URLClassLoader classLoader = jarClassLoader("empty.jar", Map.of())) {
            ClasspathModelExtractor extractor = new ClasspathModelExtractor(extractionRoot);

            assertThatThrownBy(() -> extractor.extract(LOCATION, classLoader))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("Model file model.properties not found on the classpath")
                    .hasMessageContaining("classpath:" + RESOURCE_DIRECTORY);
        }
    }

    @Test
    void extract_invalidDescriptorNamesResource() throws IOException {
        Map<String, byte[]> files = standardModel(1L);
        files.put(
                ModelDescriptor.FILE_NAME,
                "id=test-ae\nversion=1\n".getBytes(StandardCharsets.UTF_8));

        try (URLClassLoader classLoader = jarClassLoader("model.jar", files)) {
            ClasspathModelExtractor extractor = new ClasspathModelExtractor(extractionRoot);

            assertThatThrownBy(() -> extractor.extract(LOCATION, classLoader))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessage(
                            "Missing property 'engine' in model descriptor classpath:"
                                    + RESOURCE_DIRECTORY
                                    + "/model.properties");
        }
        assertThat(entries(extractionRoot)).as("temporary directories left behind").isEmpty();
    }

    @Test
    void extract_replacesIncompleteDirectory() throws IOException {
        Map<String, byte[]> files = standardModel(1L);

        try (URLClassLoader classLoader = jarClassLoader("model.jar", files)) {
            ClasspathModelExtractor extractor = new ClasspathModelExtractor(extractionRoot);
            Path first = extractor.extract(LOCATION, classLoader);
            Files.delete(first.resolve(ClasspathModelExtractor.VARIABLES_DATA));

            Path second = extractor.extract(LOCATION, classLoader);

            assertThat(second).isEqualTo(first);
            assertSameFiles(second, files);
        }
        assertThat(entries(extractionRoot)).hasSize(1);
    }

    @Test
    void extract_concurrentExtractionsShareOneDirectory() throws Exception {
        Map<String, byte[]> files = standardModel(1L);
        int threads = 8;

        try (URLClassLoader classLoader = jarClassLoader("model.jar", files)) {
            CountDownLatch ready = new CountDownLatch(threads);
            ExecutorService executor = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Path>> futures = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    // A separate extractor per thread, as separate JVMs would have.
                    ClasspathModelExtractor extractor = new ClasspathModelExtractor(extractionRoot);
                    futures.add(
                            executor.submit(
                                    () -> {
                                        ready.countDown();
                                        ready.await();
                                        return extractor.extract(LOCATION, classLoader);
                                    }));
                }
                Path expected = futures.get(0).get(30, TimeUnit.SECONDS);
                for (Future<Path> future : futures) {
                    assertThat(future.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
                }
                assertSameFiles(expected, files);
            } finally {
                executor.shutdownNow();
            }
        }
        assertThat(entries(extractionRoot)).as("directories after extraction").hasSize(1);
    }

    @Test
    void safeName_replacesUnsafeCharacters() {
        assertThat(ClasspathModelExtractor.safeName("fmad-ts-ae_v1.2")).isEqualTo("fmad-ts-ae_v1.2");
        assertThat(ClasspathModelExtractor.safeName("a/b\\c d:e")).isEqualTo("a_b_c_d_e");
    }

    /** Returns the resources of a model with one variables shard, keyed by relative path. */
    private static Map<String, byte[]> standardModel(long seed) {
        Properties descriptor = ModelDescriptorTest.validProperties();
        descriptor.setProperty("id", "test-ae");
        StringWriter text = new StringWriter();
        try {
            descriptor.store(text, null);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(ModelDescriptor.FILE_NAME, text.toString().getBytes(StandardCharsets.UTF_8));
        files.put(ClasspathModelExtractor.SAVED_MODEL_FILE, bytes(seed, 2_000));
        files.put(ClasspathModelExtractor.VARIABLES_INDEX, bytes(seed + 100, 120));
        files.put(ClasspathModelExtractor.VARIABLES_DATA, bytes(seed + 200, 70_000));
        return files;
    }

    private static byte[] bytes(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private URLClassLoader directoryClassLoader(String name, Map<String, byte[]> files)
            throws IOException {
        Path root = workDirectory.resolve(name);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path path = root.resolve(RESOURCE_DIRECTORY).resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.write(path, file.getValue());
        }
        return new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
    }

    /** Writes a jar without directory entries, as some build tools do. */
    private URLClassLoader jarClassLoader(String name, Map<String, byte[]> files)
            throws IOException {
        Path jar = workDirectory.resolve(name);
        try (OutputStream output = Files.newOutputStream(jar);
                JarOutputStream jarOutput = new JarOutputStream(output)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                jarOutput.putNextEntry(new JarEntry(RESOURCE_DIRECTORY + "/" + file.getKey()));
                jarOutput.write(file.getValue());
                jarOutput.closeEntry();
            }
        }
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
    }

    private static void assertSameFiles(Path directory, Map<String, byte[]> expected)
            throws IOException {
        List<String> actualFiles = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                actualFiles.add(directory.relativize(path).toString());
            }
        }
        assertThat(actualFiles).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, byte[]> file : expected.entrySet()) {
            assertThat(directory.resolve(file.getKey())).as(file.getKey()).hasBinaryContent(file.getValue());
        }
    }

    private static List<Path> entries(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.list(directory)) {
            return paths.toList();
        }
    }
}
