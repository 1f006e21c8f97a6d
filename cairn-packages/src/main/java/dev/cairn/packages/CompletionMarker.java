package dev.cairn.packages;

import java.time.Instant;
import java.util.List;

/**
 * Written last by an install, at {@code packages/<name>/<version>/.cairn-complete.json}: every file
 * of the package with its size and sha256, and the id of the operation that wrote it (so that a
 * processor resuming that operation knows it is done).
 */
public record CompletionMarker(String name, String version, String operationId, List<FileEntry> files, Instant completedAt) {
    public static final String FILE_NAME = ".cairn-complete.json";
}
