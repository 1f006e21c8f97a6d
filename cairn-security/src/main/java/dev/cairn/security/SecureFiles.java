package dev.cairn.security;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writing key material: files are created with their final permissions (a private file is never
 * readable by others, not even for a moment) and replace the old file atomically, so a reader
 * sees the old or the new content, never half of it.
 */
public final class SecureFiles {
    /** Owner read/write only: private keys, tokens. */
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    /** Owner read/write, others read: certificates. */
    public static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    private SecureFiles() {}

    /** Writes {@code data} to {@code file} with permissions 0600. */
    public static void writePrivate(Path file, byte[] data) {
        write(file, data, PRIVATE);
    }

    /** Writes {@code data} to {@code file} with permissions 0644. */
    public static void writePublic(Path file, byte[] data) {
        write(file, data, PUBLIC);
    }

    static void write(Path file, byte[] data, Set<PosixFilePermission> perms) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(perms));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                throw new IOException("another writer is writing " + target, e);
            }
            Files.write(tmp, data);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot write " + target + ": " + e.getMessage(),
                    "check that the directory exists and is writable", e);
        }
    }

    /** Reads a file that must exist; {@code what} names it in the error. */
    static byte[] read(Path file, String what, String hint) {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CairnException(ErrorCode.NOT_FOUND, what + " " + file + " does not exist", hint);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read " + what + " " + file + ": " + e.getMessage(), hint, e);
        }
    }
}
