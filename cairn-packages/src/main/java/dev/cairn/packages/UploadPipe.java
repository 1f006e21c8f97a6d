package dev.cairn.packages;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded in-memory pipe (at most {@code capacity} chunks of at most 64 KiB in flight) between the
 * thread that validates an upload and the thread that streams it into storage, so that an upload is
 * read once. Either side can fail; the other then gets an IOException instead of blocking forever.
 */
final class UploadPipe {
    private static final byte[] EOF = new byte[0];
    private static final byte[] ABORT = new byte[0];
    private static final int CHUNK = 1 << 16;

    private final BlockingQueue<byte[]> chunks;
    private volatile boolean readerGone;
    private volatile boolean writerGone;

    UploadPipe(int capacity) {
        this.chunks = new ArrayBlockingQueue<>(capacity);
    }

    /** The writing end: closing it marks the end of the data. */
    OutputStream sink() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                while (len > 0) {
                    int n = Math.min(len, CHUNK);
                    byte[] copy = new byte[n];
                    System.arraycopy(b, off, copy, 0, n);
                    offer(copy);
                    off += n;
                    len -= n;
                }
            }

            @Override
            public void close() throws IOException {
                if (!writerGone) offer(EOF);
                writerGone = true;
            }
        };
    }

    private void offer(byte[] chunk) throws IOException {
        try {
            while (!chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                if (readerGone) throw new IOException("the storage write of the upload stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Ends the data abnormally: the reader gets an IOException. */
    void abort() {
        writerGone = true;
        chunks.clear();
        chunks.offer(ABORT);
    }

    /** The reading end. */
    InputStream source() {
        return new InputStream() {
            private byte[] current = new byte[0];
            private int pos;
            private boolean done;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                while (!done && pos == current.length) {
                    byte[] next;
                    try {
                        next = chunks.poll(100, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                    if (next == null) continue;
                    if (next == ABORT) throw new IOException("the upload was abandoned");
                    if (next == EOF) {
                        done = true;
                        break;
                    }
                    current = next;
                    pos = 0;
                }
                if (done && pos == current.length) return -1;
                int n = Math.min(len, current.length - pos);
                System.arraycopy(current, pos, b, off, n);
                pos += n;
                return n;
            }

            @Override
            public void close() {
                readerGone = true;
            }
        };
    }

    /** Marks the reading end gone (the storage write failed or finished early). */
    void readerFailed() {
        readerGone = true;
    }
}
