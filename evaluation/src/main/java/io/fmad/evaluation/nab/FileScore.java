package io.fmad.evaluation.nab;

/**
 * The NAB score of one data file at one threshold, a row of NAB's {@code <detector>_<profile>_scores.csv}.
 *
 * @param fileName path relative to NAB's {@code data/} folder
 * @param score raw score of the file's windows and false positives
 * @param counts row counts after the probationary period
 * @param rowCount all rows of the file, probationary ones included
 */
public record FileScore(String fileName, double score, Counts counts, int rowCount) {}
