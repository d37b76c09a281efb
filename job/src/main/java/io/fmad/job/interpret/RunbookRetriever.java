package io.fmad.job.interpret;

import io.fmad.avro.AlertStatus;
import io.fmad.avro.AnomalyAlert;
import io.fmad.avro.Explanation;
import io.fmad.avro.RunbookReference;
import io.fmad.models.text.MiniLmModel;
import io.fmad.models.text.TextEncoder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Explains an alert with the {@link BuiltInExplainer} and attaches the runbook entries whose
 * MiniLM sentence embeddings have the highest cosine similarity to the alert's query text
 * ({@link AlertQuery}).
 *
 * <p>The model is shared per class loader ({@link MiniLmModel#shared()}). Each retriever owns one
 * {@link TextEncoder} and one worker thread that does all encoding, because an encoder is not
 * thread-safe and {@link Interpreter#explain} must not block the caller. The entries are embedded
 * once, when the retriever is created. Embeddings are unit-norm, so the cosine similarity is their
 * dot product.
 */
public final class RunbookRetriever implements Interpreter {

    /**
     * Appended to the name of the explanation's writer, {@code built-in} or the detector that
     * explained its own alert, to show that references were added.
     */
    public static final String NAME_SUFFIX = "+runbooks";

    /** The interpreter's name: the built-in explainer's, with {@value #NAME_SUFFIX}. */
    public static final String NAME = BuiltInExplainer.NAME + NAME_SUFFIX;

    /** Tokens kept per text, {@code [CLS]} and {@code [SEP]} included; longer entries are truncated. */
    static final int MAX_TOKENS = 256;

    private final List<RunbookEntry> entries;
    private final int topK;
    private final BuiltInExplainer builtIn = new BuiltInExplainer();
    private final ExecutorService worker;
    private final TextEncoder encoder;
    private final float[][] entryEmbeddings;

    private RunbookRetriever(List<RunbookEntry> entries, int topK) throws Exception {
        this.entries = List.copyOf(entries);
        this.topK = topK;
        this.worker =
                Executors.newSingleThreadExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "fmad-runbook-retriever");
                            thread.setDaemon(true);
                            return thread;
                        });
        try {
            this.encoder = worker.submit(() -> MiniLmModel.shared().newEncoder(MAX_TOKENS, 1)).get();
            this.entryEmbeddings =
                    worker.submit(() -> encoder.encode(this.entries.stream().map(RunbookEntry::text).toList())).get();
        } catch (ExecutionException e) {
            worker.shutdownNow();
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * Returns a factory of retrievers over {@code entries} that attach the {@code topK} most
     * similar ones to each alert. The entries ship with the job graph, so task managers need no
     * access to the runbook folder.
     *
     * @throws IllegalArgumentException if {@code entries} is empty or {@code topK} is below 1
     */
    public static InterpreterFactory factory(List<RunbookEntry> entries, int topK) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("No runbook entries to retrieve from");
        }
        if (topK < 1) {
            throw new IllegalArgumentException("topK is " + topK + ", expected at least 1");
        }
        List<RunbookEntry> copy = List.copyOf(entries);
        return () -> new RunbookRetriever(copy, topK);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<Explanation> explain(AnomalyAlert alert) {
        return CompletableFuture.supplyAsync(() -> explainNow(alert), worker);
    }

    /** Builds the explanation on the calling thread, which must be the worker thread. */
    private Explanation explainNow(AnomalyAlert alert) {
        Explanation explanation = builtIn.explainNow(alert);
        if (alert.getStatus() == AlertStatus.RESOLVED) {
            // A resolution needs no runbook: the OPEN record of its incident carried the references.
            return explanation;
        }
        float[] query = encoder.encode(List.of(AlertQuery.build(alert)))[0];
        explanation.setReferences(rank(query));
        explanation.setInterpreter(explanation.getInterpreter() + NAME_SUFFIX);
        return explanation;
    }

    /** Returns the {@code topK} entries most similar to {@code query}, ties in file name order. */
    List<RunbookReference> rank(float[] query) {
        List<RunbookReference> scored = new ArrayList<>(entries.size());
        for (int index = 0; index < entries.size(); index++) {
            RunbookEntry entry = entries.get(index);
            scored.add(
                    RunbookReference.newBuilder()
                            .setTitle(entry.title())
                            .setSource(entry.source())
                            .setSimilarity(dot(query, entryEmbeddings[index]))
                            .build());
        }
        scored.sort(
                Comparator.comparingDouble(RunbookReference::getSimilarity)
                        .reversed()
                        .thenComparing(reference -> reference.getSource().toString()));
        return new ArrayList<>(scored.subList(0, Math.min(topK, scored.size())));
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /** Stops the worker thread after the queued alerts, then closes the encoder. */
    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                worker.shutdownNow();
                // NOTE: the encoder is left open when the worker does not stop, because closing it
                // under a running inference call could crash the native session.
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        encoder.close();
    }
}
