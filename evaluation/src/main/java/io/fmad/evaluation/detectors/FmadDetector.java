package io.fmad.evaluation.detectors;

import io.fmad.avro.MetricEvent;
import io.fmad.evaluation.SeriesData;
import io.fmad.job.FmadPipeline;
import io.fmad.job.config.FmadConfig;
import io.fmad.job.detect.WindowAnomalyDetector;
import io.fmad.job.detect.WindowScore;
import io.fmad.job.encode.EmbeddedWindow;
import io.fmad.job.local.LocalFlink;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Runs fmad's own detection stages ({@link FmadPipeline#detect}) over a corpus on a local Flink
 * MiniCluster, with the job's configuration, and collects the score of every window.
 *
 * <p>The rows of all series are merged in event-time order and replayed by one source subtask,
 * as the local runner replays files through Kafka, so every key receives its rows once and in order.
 * Rows before a key's first full window have no window and score 0.
 */
public final class FmadDetector implements CorpusDetector {

    private static final int PROGRESS_EVERY = 10_000;

    private final FmadConfig config;
    private final int parallelism;

    public FmadDetector(FmadConfig config, int parallelism) {
        this.config = config;
        this.parallelism = parallelism;
    }

    @Override
    public String name() {
        return "fmad";
    }

    // CloseableIterator.close() declares Exception, which includes InterruptedException; this
    // method rethrows whatever it throws, so the interrupt is not lost.
    @SuppressWarnings("try")
    @Override
    public CorpusScores scoreAll(List<SeriesData> corpus, LongConsumer progress) throws Exception {
        MergedCorpus merged = MergedCorpus.of(corpus);
        String handle = MergedCorpus.register(merged);
        try {
            DataStream<WindowScore> scores =
                    FmadPipeline.detect(corpusStream(merged, handle), config).getSideOutput(WindowAnomalyDetector.SCORES);

            Map<String, Map<Long, WindowScore>> byEnd = new HashMap<>();
            long collected = 0;
            try (CloseableIterator<WindowScore> iterator = scores.executeAndCollect("fmad-evaluate")) {
                while (iterator.hasNext()) {
                    WindowScore score = iterator.next();
                    byEnd.computeIfAbsent(score.key, key -> new HashMap<>()).put(score.windowEnd, score);
                    if (++collected % PROGRESS_EVERY == 0) {
                        progress.accept(collected + merged.windowlessRows(config.windowSize));
                    }
                }
            }
            progress.accept(merged.size());
            return toCorpusScores(corpus, byEnd);
        } finally {
            MergedCorpus.unregister(handle);
        }
    }

    /**
     * Runs only the window and encoder stages over the corpus and returns every encoded window,
     * per series name in window order, so that detector variants can be replayed without the
     * encoder (see {@link DetectorReplay}).
     */
    // CloseableIterator.close() declares Exception; see scoreAll.
    @SuppressWarnings("try")
    public Map<String, List<EmbeddedWindow>> encodeAll(List<SeriesData> corpus, LongConsumer progress) throws Exception {
        MergedCorpus merged = MergedCorpus.of(corpus);
        String handle = MergedCorpus.register(merged);
        try {
            DataStream<EmbeddedWindow> windows = FmadPipeline.encode(corpusStream(merged, handle), config);
            Map<String, List<EmbeddedWindow>> bySeries = new HashMap<>();
            long collected = 0;
            try (CloseableIterator<EmbeddedWindow> iterator = windows.executeAndCollect("fmad-encode")) {
                while (iterator.hasNext()) {
                    EmbeddedWindow window = iterator.next();
                    bySeries.computeIfAbsent(window.key(), key -> new ArrayList<>()).add(window);
                    if (++collected % PROGRESS_EVERY == 0) {
                        progress.accept(collected + merged.windowlessRows(config.windowSize));
                    }
                }
            }
            progress.accept(merged.size());
            for (List<EmbeddedWindow> list : bySeries.values()) {
                list.sort(Comparator.comparingLong(window -> window.window.sequence));
            }
            return bySeries;
        } finally {
            MergedCorpus.unregister(handle);
        }
    }

    private DataStream<MetricEvent> corpusStream(MergedCorpus merged, String handle) {
        StreamExecutionEnvironment env = LocalFlink.environment(parallelism);
        DataGeneratorSource<MetricEvent> source =
                new DataGeneratorSource<>(new RowGenerator(handle), merged.size(), TypeInformation.of(MetricEvent.class));
        return env.fromSource(
                        source,
                        WatermarkStrategy.<MetricEvent>forMonotonousTimestamps()
                                .withTimestampAssigner((event, ignored) -> event.getTimestamp().toEpochMilli()),
                        "corpus")
                .setParallelism(1);
    }

    private static CorpusScores toCorpusScores(List<SeriesData> corpus, Map<String, Map<Long, WindowScore>> byEnd) {
        Map<String, double[]> scores = new HashMap<>();
        Map<String, boolean[]> alerts = new HashMap<>();
        for (SeriesData series : corpus) {
            Map<Long, WindowScore> windows = byEnd.getOrDefault(series.name(), Map.of());
            double[] rowScores = new double[series.rows()];
            boolean[] rowAlerts = new boolean[series.rows()];
            for (int i = 0; i < rowScores.length; i++) {
                WindowScore window = windows.get(series.timestamps()[i]);
                if (window != null) {
                    rowScores[i] = window.score;
                    rowAlerts[i] = window.alerted;
                }
            }
            scores.put(series.name(), rowScores);
            alerts.put(series.name(), rowAlerts);
        }
        return new CorpusScores(scores, alerts);
    }

    /**
     * All rows of a corpus in event-time order (ties in corpus order), held in memory. The source
     * reaches them through a JVM-wide registry, because the MiniCluster runs in this JVM and
     * hundreds of thousands of rows inside the job graph would exceed Flink's RPC message size.
     */
    static final class MergedCorpus {

        private static final Map<String, MergedCorpus> REGISTRY = new ConcurrentHashMap<>();
        private static final AtomicLong NEXT_HANDLE = new AtomicLong();

        final String[] keys;
        final int[] series;
        final long[] timestamps;
        final double[] values;
        private final int seriesCount;

        private MergedCorpus(String[] keys, int[] series, long[] timestamps, double[] values) {
            this.keys = keys;
            this.series = series;
            this.timestamps = timestamps;
            this.values = values;
            this.seriesCount = keys.length;
        }

        static MergedCorpus of(List<SeriesData> corpus) {
            int total = corpus.stream().mapToInt(SeriesData::rows).sum();
            List<long[]> order = new ArrayList<>(total);
            for (int s = 0; s < corpus.size(); s++) {
                SeriesData data = corpus.get(s);
                for (int row = 0; row < data.rows(); row++) {
                    order.add(new long[] {data.timestamps()[row], s, row});
                }
            }
            order.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                    : a[1] != b[1] ? Long.compare(a[1], b[1]) : Long.compare(a[2], b[2]));

            String[] keys = corpus.stream().map(SeriesData::name).toArray(String[]::new);
            int[] seriesIndex = new int[total];
            long[] timestamps = new long[total];
            double[] values = new double[total];
            for (int i = 0; i < total; i++) {
                long[] entry = order.get(i);
                SeriesData data = corpus.get((int) entry[1]);
                seriesIndex[i] = (int) entry[1];
                timestamps[i] = entry[0];
                values[i] = data.values()[(int) entry[2]];
            }
            return new MergedCorpus(keys, seriesIndex, timestamps, values);
        }

        long size() {
            return timestamps.length;
        }

        /** Rows that precede their series' first full window, so no window is scored for them. */
        long windowlessRows(int windowSize) {
            long[] counts = new long[seriesCount];
            for (int s : series) {
                counts[s]++;
            }
            long windowless = 0;
            for (long count : counts) {
                windowless += Math.min(count, windowSize - 1);
            }
            return windowless;
        }

        static String register(MergedCorpus corpus) {
            String handle = "corpus-" + NEXT_HANDLE.incrementAndGet();
            REGISTRY.put(handle, corpus);
            return handle;
        }

        static void unregister(String handle) {
            REGISTRY.remove(handle);
        }

        static MergedCorpus lookup(String handle) {
            MergedCorpus corpus = REGISTRY.get(handle);
            if (corpus == null) {
                throw new IllegalStateException(
                        "Corpus " + handle + " is not registered in this JVM; the evaluation source only"
                                + " runs on a local MiniCluster");
            }
            return corpus;
        }
    }

    /** Turns row index {@code i} of the merged corpus into a {@link MetricEvent}. */
    private static final class RowGenerator implements GeneratorFunction<Long, MetricEvent> {

        private static final long serialVersionUID = 1L;

        private final String handle;
        private transient MergedCorpus corpus;

        RowGenerator(String handle) {
            this.handle = handle;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            corpus = MergedCorpus.lookup(handle);
        }

        @Override
        public MetricEvent map(Long index) {
            int i = Math.toIntExact(index);
            return MetricEvent.newBuilder()
                    .setKey(corpus.keys[corpus.series[i]])
                    .setTimestamp(Instant.ofEpochMilli(corpus.timestamps[i]))
                    .setValues(Map.of("value", corpus.values[i]))
                    .build();
        }
    }
}
