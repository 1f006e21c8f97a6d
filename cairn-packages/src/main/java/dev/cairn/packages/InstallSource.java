package dev.cairn.packages;

import java.io.InputStream;

/**
 * Where an install's files come from: a Universe repository (Universe Install) or a staged archive
 * (CLI Install). It streams each file into the sink; it may be called again after a crash or a
 * failure, so it must produce the same files every time.
 */
@FunctionalInterface
public interface InstallSource {
    void writeFiles(OperationEntry operation, FileSink sink);

    /** Receives one package file at a time, relative to the package's directory. */
    @FunctionalInterface
    interface FileSink {
        FileEntry put(String relativePath, InputStream content);

        /**
         * The file is already in package storage at {@code staged}, with the size and sha256 of
         * {@code known} (computed when it was written there): make it the package's file without
         * writing the data again. Sinks that cannot are told so.
         */
        default FileEntry link(String relativePath, dev.cairn.core.storage.StorageKey staged, FileEntry known) {
            throw new UnsupportedOperationException("this sink takes file contents only");
        }
    }

    InstallSource UNAVAILABLE = (op, sink) -> {
        throw new dev.cairn.core.CairnException(dev.cairn.core.ErrorCode.UNSUPPORTED,
                op.operation().label() + " is not configured on this controller", null);
    };
}
