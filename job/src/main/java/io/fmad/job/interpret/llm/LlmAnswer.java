package io.fmad.job.interpret.llm;

/**
 * The explanation fields an LLM may fill, after validation. It has no field for the alert's key,
 * score, severity or ids: the answer cannot change them.
 *
 * @param summary what happened, never blank
 * @param likelyCause the most likely cause, or null when the model names none
 * @param nextStep a suggested next step, or null when the model names none
 */
public record LlmAnswer(String summary, String likelyCause, String nextStep) {}
