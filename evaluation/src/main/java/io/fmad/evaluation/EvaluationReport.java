package io.fmad.evaluation;

import io.fmad.evaluation.nab.NabCorpus;
import io.fmad.evaluation.nab.NabScorer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Assembles the HTML report of an evaluation. */
final class EvaluationReport {

    private EvaluationReport() {}

    static Path write(Path file, NabCorpus corpus, NabScorer scorer, List<EvaluateCommand.Evaluation> evaluations,
            double alertThreshold, String command) throws IOException {
        return null;
    }
}
