/**
 * A scorer for the Numenta Anomaly Benchmark (NAB) that reproduces NAB's published results.
 *
 * <p>The pieces, in the order an evaluation uses them:
 *
 * <ul>
 *   <li>{@link io.fmad.evaluation.nab.NabDatasetLocator} finds the NAB folder ({@code $FMAD_DATASETS/nab}, or
 *       {@code shared/datasets/nab} above the working directory).
 *   <li>{@link io.fmad.evaluation.nab.NabCorpus} loads the data files and maps the windows of
 *       {@code labels/combined_windows.json} to row indices ({@link io.fmad.evaluation.nab.DataFile},
 *       {@link io.fmad.evaluation.nab.AnomalyWindow}), with each file's probationary period.
 *   <li>{@link io.fmad.evaluation.nab.NabScorer} turns one anomaly score per row into a
 *       {@link io.fmad.evaluation.nab.NabReport} per {@link io.fmad.evaluation.nab.Profile}: the corpus-wide best
 *       threshold or a given one, per-file raw scores and row counts, and the normalized score (null detector 0,
 *       perfect detector 100).
 *   <li>{@link io.fmad.evaluation.nab.DetectorResultsWriter} and {@link io.fmad.evaluation.nab.ScoreSummary} write
 *       results in NAB's layout, and {@link io.fmad.evaluation.nab.DetectorResultsReader} reads them back, published
 *       NAB results included.
 * </ul>
 *
 * <p>A typical evaluation:
 *
 * <pre>{@code
 * NabCorpus corpus = NabCorpus.load(NabDatasetLocator.require());
 * Map<String, double[]> scores = ...; // data file name -> one score in [0, 1] per row
 * NabReport best = new NabScorer(corpus).score(scores);
 * NabReport atAlertThreshold = new NabScorer(corpus).scoreAt(scores, 0.9);
 * double standard = best.normalizedScore(Profile.STANDARD);
 * }</pre>
 *
 * <p>The scoring rules follow {@code nab/sweeper.py} of numenta/NAB (commit d62afec4). Windows are inclusive
 * row ranges, the first {@code min(floor(0.15 * rows), 750)} rows of each file are not scored, a window counts
 * once with the scaled-sigmoid weight of its earliest detection, and each detection outside a window costs up to
 * {@code fpWeight}, depending on its distance from the preceding window.
 */
package io.fmad.evaluation.nab;
