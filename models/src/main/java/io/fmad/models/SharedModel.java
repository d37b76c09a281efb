package io.fmad.models;

import ai.djl.Device;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A reference to a model that {@link SharedModelRegistry} loaded once for the JVM.
 *
 * <p>Each handle counts as one reference: the registry closes the model when the last handle
 * closes. Create one {@link WindowEncoder} per thread with {@link #newEncoder()}. Closing the
 * handle also closes the encoders it created, so close it only after the threads that use those
 * encoders have stopped encoding.
 *
 * <p>This class is thread-safe. The encoders it creates are not.
 */
public final class SharedModel implements AutoCloseable {

    private final SharedModelRegistry registry;
    private final LoadedModel model;
    // Guarded by this.
    private final Set<PredictorWindowEncoder> encoders = new LinkedHashSet<>();
    private boolean closed;

    SharedModel(SharedModelRegistry registry, LoadedModel model) {
        this.registry = registry;
        this.model = model;
    }

    public ModelDescriptor descriptor() {
        return model.descriptor;
    }

    public ModelLocation location() {
        return model.location;
    }

    /** Device the model runs on, as chosen from the {@link DeviceSelection} at load time. */
    public Device device() {
        return model.device;
    }

    /** Local SavedModel directory that the engine loaded; an extraction for classpath models. */
    public Path modelDirectory() {
        return model.directory;
    }

    /**
     * Creates an encoder with its own predictor. The caller owns it and must close it, or close
     * this handle.
     *
     * @throws IllegalStateException if this handle is closed
     */
    public synchronized WindowEncoder newEncoder() {
        if (closed) {
            throw new IllegalStateException(
                    "Handle for model " + model.location + " is closed. Acquire a new handle.");
        }
        PredictorWindowEncoder encoder =
                new PredictorWindowEncoder(this, model.descriptor, model.zooModel.newPredictor());
        encoders.add(encoder);
        return encoder;
    }

    synchronized void encoderClosed(PredictorWindowEncoder encoder) {
        encoders.remove(encoder);
    }

    /** Returns whether {@link #close()} was called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Closes the encoders of this handle and releases its reference to the model. Closing it
     * again has no effect.
     */
    @Override
    public void close() {
        List<PredictorWindowEncoder> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(encoders);
            encoders.clear();
        }
        for (PredictorWindowEncoder encoder : open) {
            encoder.closePredictor();
        }
        registry.release(model);
    }

    @Override
    public String toString() {
        return "SharedModel{"
                + model.descriptor.id()
                + " version "
                + model.descriptor.version()
                + " from "
                + model.location
                + " on "
                + model.device
                + (isClosed() ? ", closed}" : "}");
    }
}
