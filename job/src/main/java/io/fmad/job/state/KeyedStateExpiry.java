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
     */
    public static <T extends StateDescriptor<?, ?>> T expireAfterWrite(T descriptor, Duration ttl) {
        if (!ttl.isZero()) {
            descriptor.enableTimeToLive(
                    StateTtlConfig.newBuilder(ttl)
                            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                            .build());
        }
        return descriptor;
    }
}
