package dev.cairn.packages.archive;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.storage.StorageKey;
import dev.cairn.packages.FileEntry;
import dev.cairn.packages.InstallSource;
import dev.cairn.packages.OperationEntry;
import dev.cairn.packages.StagedUploads;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * CLI Install: the staged upload the operation references was extracted and validated when it
 * arrived ({@link StagedUploads}); its files are linked into the package. An upload staged as one
 * archive blob (by an earlier version) is extracted here, validated again as it streams.
 */
public final class ArchiveInstallSource implements InstallSource {
    private final PackageStorage storage;
    private final PackageArchive.Limits limits;

    public ArchiveInstallSource(PackageStorage storage, PackageArchive.Limits limits) {
        this.storage = storage;
        this.limits = limits;
    }

    @Override
    public void writeFiles(OperationEntry op, FileSink sink) {
        if (op.uri() == null) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "CLI Install of " + op.coordinate() + " references no staged upload", null);
        }
        StorageKey key = new StorageKey(op.uri());
        Optional<StagedUploads.Manifest> staged = StagedUploads.readManifest(storage, key);
        if (staged.isPresent()) {
            StagedUploads.Manifest m = staged.get();
            if (!op.coordinate().equals(m.coordinate())) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "the staged upload " + key + " holds " + m.coordinate() + ", not "
                        + op.coordinate(), "the staged upload does not match its operation");
            }
            for (FileEntry f : m.files()) sink.link(f.path(), StagedUploads.fileKey(key, f.path()), f);
            return;
        }
        if (!storage.exists(key)) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the staged upload of " + op.coordinate() + " (" + key + ") is gone",
                    "add the package again with 'cairn package add FILE'");
        }
        try (InputStream in = storage.open(key)) {
            PackageArchive.extract(in, limits, op.coordinate(), sink);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORAGE_ERROR, "cannot read the staged upload " + key + ": " + e.getMessage(), null, e);
        }
    }
}
