package io.fmad.job.detect;

import java.util.Arrays;

/**
 * Running maxima of several trackers over their last {@code span} updates, kept in {@value #BLOCKS}
 * blocks so that the state stays small whatever the span. Each block holds the maximum of {@code
 * ceil(span / BLOCKS)} consecutive updates; {@link #max} covers the completed blocks plus the one
 * being filled, that is between {@code span} and {@code span + span / BLOCKS} updates. A minimum is
 * tracked as the maximum of negated values.
 *
 * <p>All trackers take one value per update, so they share the block counters. A Flink POJO.
 */
public class SlidingMaxima {

    /**
     * Completed blocks kept per tracker. Version 3 of {@link DetectorState} kept 32 blocks. Eight
     * take a quarter of the state and moved the NAB scores of the default configuration by at most
     * 0.1 points ({@code scripts/evaluate.sh --detectors fmad}).
     */
    public static final int BLOCKS = 8;

    public int trackers;
    /** Updates per block. */
    public int blockLength;
    /** Completed block maxima: tracker {@code t}, slot {@code b} at {@code t * BLOCKS + b}. */
    public double[] blocks;
    /** Per tracker: maximum of the block being filled. */
    public double[] current;
    /** Updates in the block being filled. */
    public int inBlock;
    /** Slot the next completed block is written to. */
    public int next;
    /** Completed blocks held, at most {@link #BLOCKS}. */
    public int filled;

    public SlidingMaxima() {}

    /** Creates {@code trackers} empty trackers over the last {@code span} updates. */
    public static SlidingMaxima create(int trackers, int span) {
        if (trackers < 1 || span < 1) {
            throw new IllegalArgumentException(
                    "trackers and span must be at least 1, were " + trackers + " and " + span);
        }
        SlidingMaxima maxima = new SlidingMaxima();
        maxima.trackers = trackers;
        maxima.blockLength = (span + BLOCKS - 1) / BLOCKS;
        maxima.blocks = new double[trackers * BLOCKS];
        maxima.current = new double[trackers];
        Arrays.fill(maxima.current, Double.NEGATIVE_INFINITY);
        return maxima;
    }

    /** True while no update has been added. */
    public boolean isEmpty() {
        return filled == 0 && inBlock == 0;
    }

    /** Returns the maximum of {@code tracker} over the span, or negative infinity before any value. */
    public double max(int tracker) {
        double max = current[tracker];
        int offset = tracker * BLOCKS;
        for (int b = 0; b < filled; b++) {
            max = Math.max(max, blocks[offset + b]);
        }
        return max;
    }

    /**
     * Adds one value per tracker. A NaN value leaves its tracker unchanged, for a signal that is not
     * available yet.
     */
    public void add(double[] values) {
        for (int t = 0; t < trackers; t++) {
            if (!Double.isNaN(values[t])) {
                current[t] = Math.max(current[t], values[t]);
            }
        }
        if (++inBlock < blockLength) {
            return;
        }
        for (int t = 0; t < trackers; t++) {
            blocks[t * BLOCKS + next] = current[t];
            current[t] = Double.NEGATIVE_INFINITY;
        }
        next = (next + 1) % BLOCKS;
        filled = Math.min(filled + 1, BLOCKS);
        inBlock = 0;
    }

    /** Returns whether {@link #mergeBlocks} accepts these maxima. */
    boolean canMergeBlocks() {
        if (trackers < 1 || blocks == null || current == null || current.length != trackers
                || blocks.length % trackers != 0) {
            return false;
        }
        int blocksPerTracker = blocks.length / trackers;
        return blocksPerTracker >= BLOCKS && blocksPerTracker % BLOCKS == 0;
    }

    /**
     * Converts maxima written with a multiple of {@value #BLOCKS} blocks per tracker, such as the 32
     * of version 3, to {@value #BLOCKS}: each new block is the maximum of as many consecutive old ones
     * as the multiple, and covers that many times the updates. When the completed blocks do not fill
     * the last group, the oldest new block merges fewer. Returns false, changing nothing, when the
     * maxima have another number of blocks; they need no conversion when they already have {@value
     * #BLOCKS}.
     */
    boolean mergeBlocks() {
        if (!canMergeBlocks()) {
            return false;
        }
        int oldBlocks = blocks.length / trackers;
        int factor = oldBlocks / BLOCKS;
        if (factor == 1) {
            return true;
        }
        int merged = (filled + factor - 1) / factor;
        double[] newBlocks = new double[trackers * BLOCKS];
        for (int t = 0; t < trackers; t++) {
            // New block j, counted from the newest (0), takes old blocks factor * j to factor * j +
            // factor - 1, also counted from the newest.
            for (int j = 0; j < merged; j++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = factor * j; k < factor * (j + 1) && k < filled; k++) {
                    max = Math.max(max, blocks[t * oldBlocks + Math.floorMod(next - 1 - k, oldBlocks)]);
                }
                newBlocks[t * BLOCKS + merged - 1 - j] = max;
            }
        }
        blocks = newBlocks;
        blockLength *= factor;
        filled = merged;
        next = merged % BLOCKS;
        return true;
    }
}
