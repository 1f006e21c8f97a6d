package dev.cairn.controller.events;

import dev.cairn.core.events.Event;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends each event as one JSON line ({@link Event#toJson()}) to a file. Fsync policy:
 * {@link Fsync#BATCH} forces the file to disk after every batch the forwarder writes (at most 500
 * events, usually a handful), so an acknowledged batch survives a machine crash;
 * {@link Fsync#NONE} leaves it to the operating system. The file stays open in append mode (every
 * write lands at the current end), so rotate it with copy-and-truncate (logrotate's
 * {@code copytruncate}); after a write error it is closed and reopened by path on the next batch.
 */
public final class JsonLinesFileSink implements EventSink {
    public enum Fsync { BATCH, NONE }

    private final Path path;
    private final Fsync fsync;
    private FileChannel channel;

    public JsonLinesFileSink(Path path, Fsync fsync) {
        this.path = path;
        this.fsync = fsync;
    }

    @Override
    public String name() { return "file"; }

    public Path path() { return path; }

    @Override
    public synchronized void write(List<Event> events) throws IOException {
        if (events.isEmpty()) return;
        StringBuilder sb = new StringBuilder();
        for (Event e : events) sb.append(e.toJsonLine()).append('\n');
        ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
        try {
            if (channel == null) {
                if (path.getParent() != null) Files.createDirectories(path.getParent());
                channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }
            while (buf.hasRemaining()) channel.write(buf);
            if (fsync == Fsync.BATCH) channel.force(false);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
        channel = null;
    }
}
