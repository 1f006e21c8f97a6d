package dev.cairn.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/** Counts bytes read and draws a progress bar on a terminal (a few lines otherwise). */
final class ProgressInputStream extends FilterInputStream {
    private final long total;
    private final String label;
    private final PrintStream err;
    private final boolean tty;
    private long read;
    private long lastDraw;
    private int lastDecile = -1;

    ProgressInputStream(InputStream in, long total, String label, PrintStream err) {
        super(in);
        this.total = total;
        this.label = label;
        this.err = err;
        this.tty = System.console() != null;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) advance(1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) advance(n);
        return n;
    }

    private void advance(long n) {
        read += n;
        long now = System.nanoTime();
        if (tty) {
            if (now - lastDraw > 100_000_000L || read == total) {
                lastDraw = now;
                int pct = total > 0 ? (int) (read * 100 / total) : 0;
                int bars = pct / 4;
                err.printf("\r%s [%s%s] %3d%% %s / %s", label, "#".repeat(bars), " ".repeat(25 - bars), pct, mib(read), mib(total));
                if (read == total) err.println();
                err.flush();
            }
        } else if (total > 0) {
            int decile = (int) (read * 10 / total);
            if (decile != lastDecile && (decile % 5 == 0)) {
                lastDecile = decile;
                err.printf("%s: %d%% (%s / %s)%n", label, decile * 10, mib(read), mib(total));
                err.flush();
            }
        }
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
