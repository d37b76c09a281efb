package io.fmad.evaluation;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on a terminal stream, redrawn in place with a carriage return, at most
 * every {@value #REDRAW_MILLIS} ms so it costs nothing measurable.
 */
final class ProgressBar {

    private static final int WIDTH = 30;
    private static final long REDRAW_MILLIS = 200;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long lastDrawMillis;

    ProgressBar(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(total, 1);
    }

    /** Shows {@code done} of the total; thread-safe. */
    synchronized void update(long done) {
        long now = System.currentTimeMillis();
        if (now - lastDrawMillis < REDRAW_MILLIS && done < total) {
            return;
        }
        lastDrawMillis = now;
        draw(Math.min(done, total));
    }

    /** Draws the bar full and ends the line. */
    synchronized void finish() {
        draw(total);
        out.println();
    }

    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void draw(long done) {
        int filled = (int) (WIDTH * done / total);
        out.printf(Locale.ROOT, "\r  %-16s [%s%s] %3d%%  %,d/%,d rows  %.1f s",
                label, "#".repeat(filled), "-".repeat(WIDTH - filled), 100 * done / total, done, total, elapsedSeconds());
        out.flush();
    }
}
