package io.fmad.models;

import ai.djl.Device;
import ai.djl.repository.zoo.ZooModel;

import java.nio.file.Path;

/** A model loaded into the engine, with the number of open {@link SharedModel} handles. */
final class LoadedModel {

    final ModelLocation location;
    final Device device;
    final ModelDescriptor descriptor;
    final Path directory;
    final ZooModel<float[][], EncoderOutput> zooModel;
    // Guarded by the registry lock.
    int references;

    LoadedModel(
            ModelLocation location,
            Device device,
            ModelDescriptor descriptor,
            Path directory,
            ZooModel<float[][], EncoderOutput> zooModel) {
        this.location = location;
        this.device = device;
        this.descriptor = descriptor;
        this.directory = directory;
        this.zooModel = zooModel;
    }
}
