package io.fmad.job.state;

import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;

import java.time.Duration;

/** Applies the job's keyed-state time-to-live ({@code state.ttl}) to state descriptors. */
public final class KeyedStateExpiry {

    private KeyedStateExpiry() {}

    /**
     * Makes {@code descriptor}'s state expire {@code ttl} of processing time after its last write,
     * and never returns expired values. A zero {@code ttl} leaves the descriptor unchanged.
     *
     * <p>Expired entries leave the heap state backend's memory through Flink's default incremental
     * cleanup, which checks a few entries on each state access. That alone keeps them in checkpoints
     * while no record touches the state, for example after the input stops, so full snapshots
     * (every checkpoint of the heap backend) also leave expired entries out. RocksDB's incremental
     * checkpoints ignore that setting and rely on Flink's default compaction filter instead.
     */
    public static <T extends StateDescriptor<?, ?>> T expireAfterWrite(T descriptor, Duration ttl) {
        if (!ttl.isZero()) {
            descriptor.enableTimeToLive(
                    StateTtlConfig.newBuilder(ttl)
                            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                            .cleanupFullSnapshot()
                            .build());
        }
        return descriptor;
    }
}
