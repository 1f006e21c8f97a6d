package dev.cairn.core.storage;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Passes bytes through until more than {@code max} were read, then fails with TOO_LARGE. */
public final class LimitedInputStream extends FilterInputStream {
    private final long max;
    private final String what;
    private long count;

    public LimitedInputStream(InputStream in, long max, String what) {
        super(in);
        this.max = max;
        this.what = what;
    }

    public long count() { return count; }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) add(1);
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) add(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        add(s);
        return s;
    }

    private void add(long n) {
        count += n;
        if (count > max) {
            throw new CairnException(ErrorCode.TOO_LARGE, what + " is larger than the limit of " + max + " bytes",
                    "raise the upload size cap (package.maxUploadBytes) or make the package smaller");
        }
    }

    @Override
    public boolean markSupported() { return false; }
}
