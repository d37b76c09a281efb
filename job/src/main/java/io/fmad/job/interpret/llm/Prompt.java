package io.fmad.job.interpret.llm;

/**
 * The two chat messages of one explanation request.
 *
 * @param system the fixed instructions, with this request's fence markers
 * @param user the alert data, between the fence markers
 * @param fence the random marker that opens and closes the data, unique per request
 */
public record Prompt(String system, String user, String fence) {}
