package dev.cairn.agent.service;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A service's output file and its rotation. The service writes to {@code service.log} directly (in
 * append mode, so it keeps writing after the agent dies); when the file grows past the limit it is
 * copied to {@code service.log.1} (older copies shift up to {@code .N}) and truncated in place.
 */
public final class LogFiles {
    public static final String NAME = "service.log";

    private LogFiles() {}

    public static Path current(Path serviceDir) {
        return serviceDir.resolve(NAME);
    }

    /** Rotates if the file is larger than {@code maxBytes}; returns whether it did. */
    static boolean rotateIfLarger(Path serviceDir, long maxBytes, int keep) throws IOException {
        Path cur = current(serviceDir);
        if (!Files.exists(cur) || Files.size(cur) <= maxBytes) return false;
        for (int i = keep - 1; i >= 1; i--) {
            Path from = serviceDir.resolve(NAME + "." + i);
            if (Files.exists(from)) Files.move(from, serviceDir.resolve(NAME + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(cur, serviceDir.resolve(NAME + ".1"), StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(cur, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        return true;
    }
}
