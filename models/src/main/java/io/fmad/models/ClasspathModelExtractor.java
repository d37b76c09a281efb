package io.fmad.models;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Copies a SavedModel from the classpath to a local directory, because TensorFlow loads
 * SavedModels only from the filesystem.
 *
 * <p>Class loaders cannot list the entries of a resource directory inside a jar, so the file list
 * comes from an optional manifest, {@value #MANIFEST_NAME}, with one relative path per line.
 * Without a manifest the extractor copies the standard SavedModel layout with one variables
 * shard: {@code model.properties}, {@code saved_model.pb}, and if present {@code fingerprint.pb},
 * {@code variables/variables.index} and {@code variables/variables.data-00000-of-00001}. Models
 * with assets or several variables shards need a manifest.
 *
 * <p>The target directory is {@code <root>/<id>-<version>-<content hash>}. Each extraction writes
 * into a fresh temporary directory and renames it to the target atomically, so concurrent threads
 * and JVMs that extract the same model never see a partial directory. An existing target with
 * the expected files and sizes is reused.
 */
final class ClasspathModelExtractor {

    /** Optional resource next to the model that lists its files, one relative path per line. */
    static final String MANIFEST_NAME = "model.files";

    static final String SAVED_MODEL_FILE = "saved_model.pb";
    static final String VARIABLES_INDEX = "variables/variables.index";
    static final String VARIABLES_DATA = "variables/variables.data-00000-of-00001";

    private static final String FINGERPRINT_FILE = "fingerprint.pb";
    // 16 hex digits (64 bits) of SHA-256 keep directory names short, and a collision would need
    // two different models with the same id and version.
    private static final int HASH_DIGITS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(ClasspathModelExtractor.class);

    private final Path root;

    /** @param root directory that receives one subdirectory per extracted model */
    ClasspathModelExtractor(Path root) {
        this.root = root;
    }

    /**
     * Extracts a classpath model, or reuses an earlier extraction with the same content.
     *
     * @param location a classpath location
     * @param classLoader the class loader that finds the model resources
     * @return the local model directory
     * @throws ModelLoadException if a model file is missing on the classpath or cannot be written
     */
    Path extract(ModelLocation location, ClassLoader classLoader) {
        if (location.kind() != ModelLocation.Kind.CLASSPATH) {
            throw new IllegalArgumentException("Not a classpath model location: " + location);
        }
        List<String> files = listFiles(location, classLoader);
        Path temporary = null;
        try {
            Files.createDirectories(root);
            temporary = Files.createTempDirectory(root, ".extract-");
            Map<String, Long> sizes = new LinkedHashMap<>();
            String contentHash = copyFiles(location, classLoader, files, temporary, sizes);

            Path descriptorFile = temporary.resolve(ModelDescriptor.FILE_NAME);
            ModelDescriptor descriptor;
            try (InputStream input = Files.newInputStream(descriptorFile)) {
                String source = location + "/" + ModelDescriptor.FILE_NAME;
                descriptor = ModelDescriptor.read(input, source);
            } catch (IllegalArgumentException e) {
                throw new ModelLoadException(e.getMessage(), e);
            }
            String name =
                    safeName(descriptor.id())
                            + "-"
                            + safeName(descriptor.version())
                            + "-"
                            + contentHash.substring(0, HASH_DIGITS);
            Path target = root.resolve(name);

            Path result = publish(temporary, target, sizes);
            temporary = null;
            return result;
        } catch (IOException e) {
            throw new ModelLoadException(
                    "Failed to extract model "
                            + location
                            + " to "
                            + root
                            + ": "
                            + e.getMessage()
                            + ". Check that the directory is writable and has free space.",
                    e);
        } finally {
            if (temporary != null) {
                deleteRecursively(temporary);
            }
        }
    }

    /**
     * Moves the temporary directory to the target, or keeps an existing complete target.
     *
     * @return the target directory
     */
    private Path publish(Path temporary, Path target, Map<String, Long> sizes) throws IOException {
        if (isComplete(target, sizes)) {
            deleteRecursively(temporary);
            LOG.debug("Reusing extracted model directory {}", target);
            return target;
        }
        if (Files.exists(target)) {
            // Partly deleted, for example by a tmp cleaner. Move it aside first, because a rename
            // onto a non-empty directory fails.
            Path stale = root.resolve(".stale-" + UUID.randomUUID());
            LOG.warn("Replacing incomplete extracted model directory {}", target);
            try {
                Files.move(target, stale, StandardCopyOption.ATOMIC_MOVE);
                deleteRecursively(stale);
            } catch (IOException e) {
                // Another extractor may have moved it already; the rename below decides.
                LOG.debug("Could not move {} aside: {}", target, e.toString());
            }
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Extracted model files to {}", target);
            return target;
        } catch (IOException e) {
            // Another thread or JVM renamed its copy first; its files have the same content.
            if (isComplete(target, sizes)) {
                deleteRecursively(temporary);
                return target;
            }
            throw e;
        }
    }

    /** Returns the relative paths of the model files, from the manifest or the default layout. */
    static List<String> listFiles(ModelLocation location, ClassLoader classLoader) {
        String base = location.path() + "/";
        List<String> manifest = readManifest(location, classLoader);
        if (manifest != null) {
            for (String required : List.of(ModelDescriptor.FILE_NAME, SAVED_MODEL_FILE)) {
                if (!manifest.contains(required)) {
                    throw new ModelLoadException(
                            "Manifest "
                                    + location
                                    + "/"
                                    + MANIFEST_NAME
                                    + " does not list "
                                    + required
                                    + ", which every model needs");
                }
            }
            return manifest;
        }

        List<String> files = new ArrayList<>();
        for (String required : List.of(ModelDescriptor.FILE_NAME, SAVED_MODEL_FILE)) {
            if (classLoader.getResource(base + required) == null) {
                throw new ModelLoadException(
                        "Model file "
                                + required
                                + " not found on the classpath at "
                                + location
                                + ". Check the model location and that the jar with the model is"
                                + " on the classpath.");
            }
            files.add(required);
        }
        if (classLoader.getResource(base + FINGERPRINT_FILE) != null) {
            files.add(FINGERPRINT_FILE);
        }
        if (classLoader.getResource(base + VARIABLES_INDEX) != null) {
            if (classLoader.getResource(base + VARIABLES_DATA) == null) {
                throw new ModelLoadException(
                        "Model "
                                + location
                                + " has "
                                + VARIABLES_INDEX
                                + " but no "
                                + VARIABLES_DATA
                                + ". A model with several variables shards needs a "
                                + MANIFEST_NAME
                                + " resource that lists every file.");
            }
            files.add(VARIABLES_INDEX);
            files.add(VARIABLES_DATA);
        }
        return files;
    }

    /** Returns the manifest entries, or null if the model has no manifest. */
    private static List<String> readManifest(ModelLocation location, ClassLoader classLoader) {
        String resource = location.path() + "/" + MANIFEST_NAME;
        InputStream input = classLoader.getResourceAsStream(resource);
        if (input == null) {
            return null;
        }
        List<String> files = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String entry = line.trim();
                if (entry.isEmpty() || entry.startsWith("#")) {
                    continue;
                }
                requireRelativePath(entry, location);
                if (!files.contains(entry)) {
                    files.add(entry);
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException(
                    "Failed to read manifest " + location + "/" + MANIFEST_NAME, e);
        }
        return files;
    }

    private static void requireRelativePath(String entry, ModelLocation location) {
        boolean valid = !entry.startsWith("/") && !entry.contains("\\");
        for (String segment : entry.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                valid = false;
            }
        }
        if (!valid) {
            throw new ModelLoadException(
                    "Invalid entry '"
                            + entry
                            + "' in manifest "
                            + location
                            + "/"
                            + MANIFEST_NAME
                            + ": expected a relative path with '/' separators and no empty, '.' or"
                            + " '..' segments");
        }
    }

    /**
     * Copies the files into the directory and records their sizes.
     *
     * @return the hex SHA-256 over every relative path and the SHA-256 of its content
     */
    private static String copyFiles(
            ModelLocation location,
            ClassLoader classLoader,
            List<String> files,
            Path directory,
            Map<String, Long> sizes)
            throws IOException {
        MessageDigest modelDigest = sha256();
        for (String file : files) {
            String resource = location.path() + "/" + file;
            Path target = directory.resolve(file);
            Files.createDirectories(target.getParent());
            MessageDigest fileDigest = sha256();
            try (InputStream resourceInput = classLoader.getResourceAsStream(resource)) {
                if (resourceInput == null) {
                    throw new ModelLoadException(
                            "Model file " + file + " not found on the classpath at " + location);
                }
                try (InputStream input = new DigestInputStream(resourceInput, fileDigest);
                        OutputStream output = Files.newOutputStream(target)) {
                    sizes.put(file, input.transferTo(output));
                }
            }
            modelDigest.update(file.getBytes(StandardCharsets.UTF_8));
            modelDigest.update((byte) 0);
            modelDigest.update(fileDigest.digest());
        }
        return HexFormat.of().formatHex(modelDigest.digest());
    }

    private static boolean isComplete(Path directory, Map<String, Long> sizes) throws IOException {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        for (Map.Entry<String, Long> file : sizes.entrySet()) {
            Path path = directory.resolve(file.getKey());
            if (!Files.isRegularFile(path) || Files.size(path) != file.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Replaces characters that are unsafe in a directory name with '_'. */
    static String safeName(String value) {
        return value.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required on every Java platform", e);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount())
                    .forEach(ClasspathModelExtractor::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("Failed to delete temporary model directory {}: {}", directory, e.toString());
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("Failed to delete {}: {}", path, e.toString());
        }
    }
}
