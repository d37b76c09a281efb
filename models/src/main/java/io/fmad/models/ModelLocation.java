package io.fmad.models;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;

/**
 * Location of a SavedModel directory: a classpath resource directory or a filesystem directory.
 *
 * <p>A classpath location works from a directory on the classpath and from inside a jar. The
 * registry extracts its files to a local directory, because TensorFlow reads SavedModels only
 * from the filesystem. A filesystem location is used in place. A relative filesystem path is
 * resolved against the working directory of the JVM that loads the model, which on a cluster is
 * the TaskManager, not the client that parsed the option.
 *
 * <p>Instances are immutable and serializable, and two locations are equal when they have the
 * same kind and the same path text, which makes them usable as registry keys.
 */
public final class ModelLocation implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Prefix that marks a classpath location in {@link #parse(String)}. */
    public static final String CLASSPATH_PREFIX = "classpath:";

    /** Classpath directory of the model shipped in this module. */
    public static final String DEFAULT_CLASSPATH_DIRECTORY = "io/fmad/models/fmad-ts-ae/1";

    /** Kind of storage a location points to. */
    public enum Kind {
        CLASSPATH,
        FILESYSTEM
    }

    private final Kind kind;
    // A String, not a Path, because Path is not Serializable.
    private final String path;

    private ModelLocation(Kind kind, String path) {
        this.kind = kind;
        this.path = path;
    }

    /** Returns the location of the model shipped in this module. */
    public static ModelLocation defaultModel() {
        return classpath(DEFAULT_CLASSPATH_DIRECTORY);
    }

    /**
     * Returns a classpath location.
     *
     * @param resourceDirectory resource directory such as {@code io/fmad/models/fmad-ts-ae/1};
     *     leading and trailing slashes are ignored
     * @throws IllegalArgumentException if the directory is blank or contains a {@code ..} or
     *     empty segment
     */
    public static ModelLocation classpath(String resourceDirectory) {
        Objects.requireNonNull(resourceDirectory, "resourceDirectory");
        String trimmed = resourceDirectory.trim();
        int start = 0;
        int end = trimmed.length();
        while (start < end && trimmed.charAt(start) == '/') {
            start++;
        }
        while (end > start && trimmed.charAt(end - 1) == '/') {
            end--;
        }
        String normalized = trimmed.substring(start, end);
        if (normalized.isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid classpath model location '"
                            + resourceDirectory
                            + "': expected a resource directory such as "
                            + CLASSPATH_PREFIX
                            + DEFAULT_CLASSPATH_DIRECTORY);
        }
        for (String segment : normalized.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(
                        "Invalid classpath model location '"
                                + resourceDirectory
                                + "': resource directories must not contain empty, '.' or '..'"
                                + " segments");
            }
        }
        return new ModelLocation(Kind.CLASSPATH, normalized);
    }

    /**
     * Returns a filesystem location.
     *
     * @param directory the SavedModel directory, which must contain {@code saved_model.pb} and
     *     {@code model.properties} when the model is loaded
     */
    public static ModelLocation directory(Path directory) {
        Objects.requireNonNull(directory, "directory");
        return new ModelLocation(Kind.FILESYSTEM, directory.normalize().toString());
    }

    /**
     * Parses a location option value.
     *
     * <p>Accepted forms: {@code classpath:<resource directory>}, a {@code file:} URI, or a
     * filesystem path.
     *
     * @throws IllegalArgumentException if the value is blank or not a valid path or URI
     */
    public static ModelLocation parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    "Invalid model location: the value is empty. Expected "
                            + CLASSPATH_PREFIX
                            + "<resource directory> or a filesystem directory path.");
        }
        String trimmed = value.trim();
        if (trimmed.startsWith(CLASSPATH_PREFIX)) {
            return classpath(trimmed.substring(CLASSPATH_PREFIX.length()));
        }
        try {
            if (trimmed.startsWith("file:")) {
                return directory(Paths.get(URI.create(trimmed)));
            }
            return directory(Paths.get(trimmed));
        } catch (IllegalArgumentException e) {
            // Covers InvalidPathException and the errors of URI.create and Paths.get(URI).
            throw new IllegalArgumentException(
                    "Invalid model location '" + value + "': " + e.getMessage(), e);
        }
    }

    public Kind kind() {
        return kind;
    }

    /** Resource directory of a classpath location, or path of a filesystem location. */
    public String path() {
        return path;
    }

    /**
     * Returns the filesystem directory.
     *
     * @throws IllegalStateException if this is a classpath location
     */
    public Path directory() {
        if (kind != Kind.FILESYSTEM) {
            throw new IllegalStateException("Model location " + this + " is not a filesystem path");
        }
        return Paths.get(path);
    }

    /**
     * Returns the class loader for the resources of a classpath location: the thread's context
     * class loader when it finds the descriptor (as Flink's user-code class loader does for a
     * model in the job jar), else the loader of this class.
     */
    ClassLoader resourceClassLoader() {
        String descriptor = path + "/" + ModelDescriptor.FILE_NAME;
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context.getResource(descriptor) != null) {
            return context;
        }
        return ModelLocation.class.getClassLoader();
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ModelLocation)) {
            return false;
        }
        ModelLocation that = (ModelLocation) other;
        return kind == that.kind && path.equals(that.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, path);
    }

    /** Returns the location in the form that {@link #parse(String)} accepts. */
    @Override
    public String toString() {
        return kind == Kind.CLASSPATH ? CLASSPATH_PREFIX + path : path;
    }
}
