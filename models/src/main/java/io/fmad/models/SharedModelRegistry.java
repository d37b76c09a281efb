package io.fmad.models;

import ai.djl.Device;
import ai.djl.engine.Engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Loads each model once per JVM and hands out reference-counted {@link SharedModel} handles.
 *
 * <p>A model is keyed by its {@link ModelLocation} and the device it runs on: {@link
 * DeviceSelection#AUTO} and an explicit selection share a model when they resolve to the same
 * device. The first {@link #acquire} of a key extracts the model (for classpath locations) and
 * loads it, and later calls return handles to the same loaded model. Closing the last handle
 * closes the model and frees its native memory, so a later acquire loads it again.
 *
 * <p>Classpath models are extracted to {@code <java.io.tmpdir>/fmad-models/} for the shared
 * instance.
 *
 * <p>This class is thread-safe. Loads and releases run under one lock, so a slow load delays
 * other acquires and releases in the same JVM.
 */
public final class SharedModelRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(SharedModelRegistry.class);

    private static final SharedModelRegistry SHARED =
            new SharedModelRegistry(Paths.get(System.getProperty("java.io.tmpdir"), "fmad-models"));

    private final ClasspathModelExtractor extractor;
    // Guarded by this.
    private final Map<ModelKey, LoadedModel> models = new HashMap<>();
    // Guarded by this; counts engine loads, so tests can tell a load from a reuse.
    private int loadCount;
    // Guarded by this. GPUs per engine name, read once per engine, because DJL logs a warning on
    // every GPU count on hosts with a CUDA runtime but no usable driver.
    private final Map<String, Integer> gpuCounts = new HashMap<>();

    SharedModelRegistry(Path extractionRoot) {
        this.extractor = new ClasspathModelExtractor(extractionRoot);
    }

    /**
     * Returns the registry shared by all users of this class loader.
     *
     * <p>NOTE: the registry is one per JVM only when this module and DJL are on the TaskManager
     * classpath (Flink's lib/). From a job jar, every job class loader gets its own registry, and
     * DJL's natives fail to load in a second class loader ("already loaded in another classloader").
     */
    public static SharedModelRegistry getInstance() {
        return SHARED;
    }

    /**
     * Returns a handle to the model, loading it if no open handle references it on the selected
     * device.
     *
     * @param location where the SavedModel and its {@code model.properties} are
     * @param selection the device to run on
     * @throws IllegalStateException if {@link DeviceSelection#GPU} is selected and the engine
     *     reports no GPU
     * @throws ModelLoadException if the engine does not start, or the model cannot be found,
     *     extracted, loaded, or does not match its descriptor
     */
    public synchronized SharedModel acquire(ModelLocation location, DeviceSelection selection) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(selection, "selection");

        ModelDescriptor descriptor = readDescriptor(location);
        boolean onnx = ModelDescriptor.ONNX_ENGINE.equals(descriptor.engine());
        Engine engine =
                LibraryClassLoader.call(() -> onnx ? OnnxModelLoader.engine() : TensorFlowModelLoader.engine());
        Device device = selection.resolve(LibraryClassLoader.call(() -> gpuCount(engine)));
        ModelKey key = new ModelKey(location, device);

        LoadedModel model = models.get(key);
        if (model == null) {
            model = load(location, descriptor, device, engine);
            models.put(key, model);
        }
        model.references++;
        LOG.debug(
                "Acquired model {} on {}, {} open handles", location, device, model.references);
        return new SharedModel(this, model);
    }

    private int gpuCount(Engine engine) {
        return gpuCounts.computeIfAbsent(engine.getEngineName(), name -> engine.getGpuCount());
    }

    /** Reads the descriptor without extracting the model, to pick the engine before loading. */
    private static ModelDescriptor readDescriptor(ModelLocation location) {
        if (location.kind() == ModelLocation.Kind.FILESYSTEM) {
            requireDirectory(location.directory());
        }
        try {
            return ModelDescriptor.read(location);
        } catch (IOException e) {
            throw new ModelLoadException(
                    "Failed to read the " + ModelDescriptor.FILE_NAME + " of model " + location + ": "
                            + e.getMessage() + ". Every model needs a descriptor next to its files.",
                    e);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }

    private LoadedModel load(ModelLocation location, ModelDescriptor descriptor, Device device, Engine engine) {
        long start = System.nanoTime();
        // Extracts with the caller's context class loader, which may be a job's that carries the model.
        Path directory = localDirectory(location);
        LoadedModel model =
                LibraryClassLoader.call(
                        () -> ModelDescriptor.ONNX_ENGINE.equals(descriptor.engine())
                                ? OnnxModelLoader.load(location, directory, descriptor, device)
                                : TensorFlowModelLoader.load(location, directory, device));
        loadCount++;
        long millis = (System.nanoTime() - start) / 1_000_000;
        LOG.info(
                "Loaded model {} version {} from {} on device {} in {} ms ({} {})",
                model.descriptor.id(),
                model.descriptor.version(),
                location,
                device,
                millis,
                engine.getEngineName(),
                engine.getVersion());
        return model;
    }

    private Path localDirectory(ModelLocation location) {
        if (location.kind() == ModelLocation.Kind.CLASSPATH) {
            return extractor.extract(location, location.resourceClassLoader());
        }
        Path directory = location.directory();
        requireDirectory(directory);
        return directory;
    }

    private static void requireDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new ModelLoadException(
                    "Model directory "
                            + directory.toAbsolutePath()
                            + " not found. Check the model location option; relative paths"
                            + " resolve against the working directory of the TaskManager.");
        }
    }

    /** Drops one reference and closes the model when none is left. */
    synchronized void release(LoadedModel model) {
        ModelKey key = new ModelKey(model.location, model.device);
        if (models.get(key) != model || model.references <= 0) {
            throw new IllegalStateException("Model " + model.location + " was released too often");
        }
        model.references--;
        if (model.references > 0) {
            LOG.debug(
                    "Released model {} on {}, {} open handles",
                    model.location,
                    model.device,
                    model.references);
            return;
        }
        models.remove(key);
        model.zooModel.close();
        LOG.info(
                "Closed model {} version {} from {} on device {}",
                model.descriptor.id(),
                model.descriptor.version(),
                model.location,
                model.device);
    }

    /** Returns how many times this registry loaded a model into the engine. */
    synchronized int loadCount() {
        return loadCount;
    }

    /** Returns the open handles of a model on a device, 0 if it is not loaded. */
    synchronized int references(ModelLocation location, Device device) {
        LoadedModel model = models.get(new ModelKey(location, device));
        return model == null ? 0 : model.references;
    }

    private record ModelKey(ModelLocation location, Device device) {}
}
