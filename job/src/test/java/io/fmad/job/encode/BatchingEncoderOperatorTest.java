package io.fmad.job.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmad.job.TestEvents;
import io.fmad.job.window.SeriesWindow;
import io.fmad.models.DeviceSelection;
import io.fmad.models.ModelLocation;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;

/** Runs the operator with the shipped model on DJL's TensorFlow engine, under a test harness. */
class BatchingEncoderOperatorTest {

    private static final int BATCH_SIZE = 4;
    private static final long MAX_WAIT_MS = 50;
    private static final int WINDOW = 64;

    private final Random random = new Random(11);
    private OneInputStreamOperatorTestHarness<SeriesWindow, EmbeddedWindow> harness;
    private long sequence;

    @BeforeEach
    void setUp() throws Exception {
        EncoderSettings settings =
                new EncoderSettings(
                        ModelLocation.defaultModel(), DeviceSelection.CPU, BATCH_SIZE, Duration.ofMillis(MAX_WAIT_MS));
        harness = new OneInputStreamOperatorTestHarness<>(new BatchingEncoderOperator(settings));
        harness.setProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            sequence++;
            float[] values = new float[WINDOW];
            for (int p = 0; p < WINDOW; p++) {
                values[p] = (float) random.nextGaussian();
            }
            harness.processElement(new StreamRecord<>(TestEvents.window("k" + (sequence % 3), sequence, values), sequence));
        }
    }

    private List<EmbeddedWindow> outputs() {
        return harness.extractOutputValues();
    }

    @Test
    void batch_flushedWhenFull() throws Exception {
        send(BATCH_SIZE - 1);
        assertThat(outputs()).isEmpty();

        send(1);

        List<EmbeddedWindow> encoded = outputs();
        assertThat(encoded).hasSize(BATCH_SIZE);
        for (EmbeddedWindow window : encoded) {
            assertThat(window.embeddings).hasSize(window.embeddingDim);
            assertThat(window.reconstructionErrors).hasSize(1);
            assertThat(window.modelId).isEqualTo("fmad-ts-ae");
            for (float value : window.embeddings) {
                assertThat(Float.isFinite(value)).isTrue();
            }
        }
        assertThat(encoded).extracting(window -> window.window.sequence).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void batch_flushedAfterMaxWait() throws Exception {
        send(2);
        harness.setProcessingTime(MAX_WAIT_MS - 1);
        assertThat(outputs()).isEmpty();

        harness.setProcessingTime(MAX_WAIT_MS);

        assertThat(outputs()).hasSize(2);
    }

    @Test
    void batch_flushedBeforeCheckpointBarrier() throws Exception {
        send(3);

        harness.prepareSnapshotPreBarrier(1L);

        assertThat(outputs()).hasSize(3);
    }

    @Test
    void batch_flushedAtEndOfInput() throws Exception {
        send(1);

        harness.endInput();

        assertThat(outputs()).hasSize(1);
    }

    @Test
    void watermark_heldUntilBufferedWindowsLeave() throws Exception {
        send(2);
        harness.processWatermark(new Watermark(2));
        assertThat(harness.getOutput()).as("watermark held while windows 1-2 wait").isEmpty();

        harness.setProcessingTime(MAX_WAIT_MS);

        Object[] output = harness.getOutput().toArray();
        assertThat(output).hasSize(3);
        assertThat(output[2]).isEqualTo(new Watermark(2));
    }

    @Test
    void watermark_passesThroughEmptyBuffer() throws Exception {
        harness.processWatermark(new Watermark(5));

        assertThat(harness.getOutput()).containsExactly(new Watermark(5));
    }

    @Test
    void output_keepsWindowTimestamps() throws Exception {
        send(BATCH_SIZE);

        assertThat(harness.extractOutputStreamRecords())
                .extracting(StreamRecord::getTimestamp)
                .containsExactly(1L, 2L, 3L, 4L);
    }
}
