package io.fmad.job.encode;

import io.fmad.job.window.SeriesWindow;
import io.fmad.models.EncoderOutput;
import io.fmad.models.ModelDescriptor;
import io.fmad.models.SharedModel;
import io.fmad.models.SharedModelRegistry;
import io.fmad.models.WindowEncoder;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * Groups windows from many keys into batches and runs each batch through the encoder model.
 *
 * <p>A batch runs when it has {@code batchSize} rows (one row per window channel), when its
 * oldest window has waited {@code maxWait}, before each checkpoint barrier, and at end of input.
 * Because the buffer is always empty when a barrier passes, it needs no checkpointed state, and
 * no window is lost on recovery or left behind at the end.
 *
 * <p>Watermarks are held back while windows are buffered and forwarded right after the batch
 * that contains those windows, so downstream operators never see a window behind the watermark.
 * Output records keep the event-time timestamp of their window's last point.
 *
 * <p>The model is loaded once per JVM through {@link SharedModelRegistry}; each subtask gets its
 * own predictor, because a DJL predictor is not thread-safe.
 */
public class BatchingEncoderOperator extends AbstractStreamOperator<EmbeddedWindow>
        implements OneInputStreamOperator<SeriesWindow, EmbeddedWindow>, BoundedOneInput, ProcessingTimeCallback {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BatchingEncoderOperator.class);

    /** Samples kept by the histograms, the same as Flink's own latency histograms. */
    private static final int HISTOGRAM_WINDOW = 512;

    private final EncoderSettings settings;

    private transient SharedModel model;
    private transient WindowEncoder encoder;
    private transient ModelDescriptor descriptor;

    private transient List<SeriesWindow> buffer;
    private transient List<Long> arrivalTimes;
    private transient int bufferedRows;
    private transient ScheduledFuture<?> flushTimer;
    private transient Watermark heldWatermark;

    private transient Counter windowsEncoded;
    private transient Counter batchesRun;
    private transient Histogram batchSizes;
    private transient Histogram inferenceMillis;
    private transient Histogram queueMillis;

    public BatchingEncoderOperator(EncoderSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open() throws Exception {
        super.open();
        model = SharedModelRegistry.getInstance().acquire(settings.model(), settings.device());
        encoder = model.newEncoder();
        descriptor = model.descriptor();
        buffer = new ArrayList<>();
        arrivalTimes = new ArrayList<>();

        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("encoder");
        windowsEncoded = metrics.counter("windowsEncoded");
        batchesRun = metrics.counter("batches");
        batchSizes = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        inferenceMillis =
                metrics.histogram("inferenceLatencyMs", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        queueMillis = metrics.histogram("queueTimeMs", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        String device = model.device().toString();
        metrics.gauge("device", () -> device);

        LOG.info(
                "Encoder subtask {} uses model {} version {} on {}, batch size {}, max wait {} ms",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                descriptor.id(),
                descriptor.version(),
                device,
                settings.batchSize(),
                settings.maxWaitMillis());
    }

    @Override
    public void processElement(StreamRecord<SeriesWindow> element) throws Exception {
        SeriesWindow window = element.getValue();
        if (window.windowSize != descriptor.inputLength()) {
            // The job checks window.size against the model at start, so this is a bug, not bad input.
            throw new IllegalStateException(
                    "Window of key '" + window.key + "' has " + window.windowSize
                            + " points but model " + descriptor.id() + " expects " + descriptor.inputLength());
        }

        long now = getProcessingTimeService().getCurrentProcessingTime();
        if (buffer.isEmpty()) {
            flushTimer = getProcessingTimeService().registerTimer(now + settings.maxWaitMillis(), this);
        }
        buffer.add(window);
        arrivalTimes.add(now);
        bufferedRows += window.channels();

        if (bufferedRows >= settings.batchSize()) {
            flush();
        }
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        flushTimer = null;
        flush();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (buffer.isEmpty()) {
            super.processWatermark(mark);
        } else {
            heldWatermark = mark;
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (encoder != null) {
                encoder.close();
            }
        } finally {
            encoder = null;
            if (model != null) {
                model.close();
                model = null;
            }
            super.close();
        }
    }

    /** Encodes every buffered window, emits the results, then releases a held watermark. */
    private void flush() throws Exception {
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
        if (!buffer.isEmpty()) {
            encodeBuffer();
        }
        if (heldWatermark != null) {
            Watermark mark = heldWatermark;
            heldWatermark = null;
            super.processWatermark(mark);
        }
    }

    private void encodeBuffer() {
        int windowSize = descriptor.inputLength();
        float[][] rows = new float[bufferedRows][];
        int row = 0;
        for (SeriesWindow window : buffer) {
            for (int c = 0; c < window.channels(); c++) {
                rows[row++] = window.channel(c);
            }
        }

        long started = System.nanoTime();
        float[][] embeddings = new float[rows.length][];
        float[][] reconstructions = descriptor.hasReconstruction() ? new float[rows.length][] : null;
        float[][] forecasts = descriptor.hasForecast() ? new float[rows.length][] : null;
        for (int from = 0; from < rows.length; from += settings.batchSize()) {
            int to = Math.min(rows.length, from + settings.batchSize());
            float[][] chunk = Arrays.copyOfRange(rows, from, to);
            EncoderOutput output = encoder.encode(chunk);
            System.arraycopy(output.embeddings(), 0, embeddings, from, to - from);
            if (reconstructions != null && output.hasReconstructions()) {
                System.arraycopy(output.reconstructions(), 0, reconstructions, from, to - from);
            }
            if (forecasts != null && output.hasForecasts()) {
                System.arraycopy(output.forecasts(), 0, forecasts, from, to - from);
            }
            batchesRun.inc();
            batchSizes.update(to - from);
        }
        long now = getProcessingTimeService().getCurrentProcessingTime();
        inferenceMillis.update((System.nanoTime() - started) / 1_000_000);

        row = 0;
        for (int w = 0; w < buffer.size(); w++) {
            SeriesWindow window = buffer.get(w);
            queueMillis.update(now - arrivalTimes.get(w));
            EmbeddedWindow embedded = toEmbedded(descriptor, window, embeddings, reconstructions, forecasts, rows, row, windowSize);
            row += window.channels();
            output.collect(new StreamRecord<>(embedded, window.end));
        }
        windowsEncoded.inc(buffer.size());

        buffer.clear();
        arrivalTimes.clear();
        bufferedRows = 0;
    }

    /**
     * Builds the {@link EmbeddedWindow} of {@code window} from the encoder's output rows {@code
     * firstRow} to {@code firstRow + window.channels() - 1}, one row per channel. {@code rows} are
     * the normalized inputs of those rows; {@code reconstructions} and {@code forecasts} are null
     * when the model lacks that output.
     */
    public static EmbeddedWindow toEmbedded(
            ModelDescriptor descriptor,
            SeriesWindow window,
            float[][] embeddings,
            float[][] reconstructions,
            float[][] forecasts,
            float[][] rows,
            int firstRow,
            int windowSize) {
        int channels = window.channels();
        int dim = descriptor.embeddingDim();

        EmbeddedWindow embedded = new EmbeddedWindow();
        embedded.window = window;
        embedded.embeddingDim = dim;
        embedded.modelId = descriptor.id();
        embedded.modelVersion = descriptor.version();
        embedded.embeddings = new float[channels * dim];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(embeddings[firstRow + c], 0, embedded.embeddings, c * dim, dim);
        }

        if (reconstructions != null && reconstructions[firstRow] != null) {
            embedded.reconstructionErrors = new float[channels];
            for (int c = 0; c < channels; c++) {
                float[] input = rows[firstRow + c];
                float[] reconstruction = reconstructions[firstRow + c];
                double sum = 0;
                for (int i = 0; i < windowSize; i++) {
                    double difference = input[i] - reconstruction[i];
                    sum += difference * difference;
                }
                embedded.reconstructionErrors[c] = (float) (sum / windowSize);
            }
        }

        if (forecasts != null && forecasts[firstRow] != null) {
            int horizon = descriptor.forecastLength();
            embedded.forecastLength = horizon;
            embedded.forecasts = new float[channels * horizon];
            for (int c = 0; c < channels; c++) {
                System.arraycopy(forecasts[firstRow + c], 0, embedded.forecasts, c * horizon, horizon);
            }
        }
        return embedded;
    }
}
