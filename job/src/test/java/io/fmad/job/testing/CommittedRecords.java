package io.fmad.job.testing;

import io.fmad.connectors.serde.SingleObjectCodec;
import io.fmad.connectors.tools.TopicReader;

import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads whole topics with a {@code read_committed} consumer, for assertions. */
public final class CommittedRecords {

    private CommittedRecords() {}

    public static <T extends SpecificRecord> List<T> readAll(String bootstrapServers, String topic, Class<T> type)
            throws IOException {
        SingleObjectCodec<T> codec = SingleObjectCodec.forClass(type);

        List<T> records = new ArrayList<>();
        try {
            TopicReader.readToEnd(bootstrapServers, topic, Duration.ofSeconds(60), record -> {
                try {
                    records.add(codec.decode(record.value()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return records;
    }
}
