package dev.cairn.agent.work;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The highest leader epoch this agent has seen, kept in its data directory across restarts. Work
 * from a lower epoch comes from a deposed leader and is refused.
 */
public final class EpochGuard {
    private final Path file;
    private long highest;

    public EpochGuard(Path file) {
        this.file = file;
        long h = -1;
        try {
            if (Files.exists(file)) h = Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException ignored) {
            // a torn or missing file: start from nothing, the next work raises it again
        }
        this.highest = h;
    }

    /** Accepts {@code epoch} (raising the highest seen) or returns false for a stale one. */
    public synchronized boolean admit(long epoch) {
        if (epoch < highest) return false;
        if (epoch > highest) {
            highest = epoch;
            try {
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(tmp, Long.toString(epoch), StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException ignored) {
                // still enforced in memory for this run
            }
        }
        return true;
    }

    public synchronized long highest() { return highest; }
}
