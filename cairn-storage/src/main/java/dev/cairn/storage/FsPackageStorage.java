package dev.cairn.storage;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.storage.PutResult;
import dev.cairn.core.storage.Sha256;
import dev.cairn.core.storage.StorageKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Package storage in a directory (local disk or a shared mount). A put streams into a temporary
 * file {@code .cairn-tmp-<uuid>} in the target's own directory, computing sha256 on the way, forces
 * it to disk, renames it over the target atomically and forces the directory, so a crash leaves
 * either the old blob or the new one (plus, at worst, a temporary file that listings ignore and
 * {@link #deleteAll} removes).
 */
public final class FsPackageStorage implements PackageStorage {
    private static final int BUFFER = 1 << 16;
    private static final long EARLY_FLUSH_BYTES = 64L << 20;
    private static final long PARALLEL_FROM_BYTES = 8L << 20;
    private static final int CHUNK = 1 << 20;
    private static final int CHUNKS = 8;
    private final Path root;

    public FsPackageStorage(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw error("cannot create storage directory " + this.root, e);
        }
    }

    public Path root() { return root; }

    private Path file(StorageKey key) {
        Path p = root.resolve(key.value()).normalize();
        if (!p.startsWith(root)) throw new IllegalArgumentException("key escapes storage root: " + key);
        return p;
    }

    @Override
    public PutResult put(StorageKey key, InputStream in) {
        Path target = file(key);
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = target.getParent().resolve(tmpName());
            MessageDigest digest = Sha256.digest();
            long size = 0;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                size = copy(in, ch, digest);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            forceDirectory(target.getParent());
            return new PutResult(key, size, Sha256.hex(digest));
        } catch (IOException e) {
            throw error("cannot write " + key, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temporary file is ignored by listings and removed by deleteAll
                }
            }
        }
    }

    /**
     * A hard link to {@code from}'s file under a temporary name, renamed over {@code to} (so the data
     * is not written again); a plain copy where the filesystem refuses links. The directory is forced
     * like after a put.
     */
    @Override
    public void copy(StorageKey from, StorageKey to) {
        Path source = file(from);
        Path target = file(to);
        if (!Files.isRegularFile(source)) {
            throw new CairnException(ErrorCode.NOT_FOUND, "no blob '" + from + "' in package storage " + describe(), null);
        }
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = target.getParent().resolve(tmpName());
            try {
                Files.createLink(tmp, source);
            } catch (UnsupportedOperationException | IOException linkRefused) {
                Files.copy(source, tmp);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            forceDirectory(target.getParent());
        } catch (NoSuchFileException e) {
            throw new CairnException(ErrorCode.NOT_FOUND, "no blob '" + from + "' in package storage " + describe(), null);
        } catch (IOException e) {
            throw error("cannot copy " + from + " to " + to, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temporary file is ignored by listings and removed by deleteAll
                }
            }
        }
    }

    /**
     * Streams {@code in} into {@code ch}, hashing it. The first 8 MiB
     * on this thread; beyond that (a large blob) the hashing runs on a thread of its own, fed the
     * chunks already written (a few 1 MiB buffers in flight), and the file is pushed to disk in the
     * background every 64 MiB, so that reading, hashing and the disk
     * work at the same time.
     */
    private static long copy(InputStream in, FileChannel ch, MessageDigest digest) throws IOException {
        OutputStream out = Channels.newOutputStream(ch);
        byte[] buf = new byte[BUFFER];
        long size = 0;
        int n;
        while (size < PARALLEL_FROM_BYTES && (n = in.read(buf)) > 0) {
            digest.update(buf, 0, n);
            out.write(buf, 0, n);
            size += n;
        }
        if (size < PARALLEL_FROM_BYTES) return size;
        record Chunk(byte[] data, int length) {}
        Chunk end = new Chunk(new byte[0], -1);
        java.util.concurrent.BlockingQueue<byte[]> free = new java.util.concurrent.ArrayBlockingQueue<>(CHUNKS);
        java.util.concurrent.BlockingQueue<Chunk> written = new java.util.concurrent.ArrayBlockingQueue<>(CHUNKS + 1);
        for (int i = 0; i < CHUNKS; i++) free.add(new byte[CHUNK]);
        Thread hasher = Thread.ofVirtual().name("cairn-storage-hash").start(() -> {
            try {
                for (Chunk c = written.take(); c != end; c = written.take()) {
                    digest.update(c.data(), 0, c.length());
                    free.put(c.data());
                }
            } catch (InterruptedException e) {
                // the copy failed; nobody needs the hash
            }
        });
        Thread flushing = null;
        long unflushed = 0;
        boolean done = false;
        try {
            while (true) {
                byte[] b = free.take();
                int got = in.readNBytes(b, 0, b.length);
                if (got == 0) break;
                out.write(b, 0, got);
                written.put(new Chunk(b, got));
                size += got;
                unflushed += got;
                if (unflushed >= EARLY_FLUSH_BYTES && (flushing == null || !flushing.isAlive())) {
                    unflushed = 0;
                    flushing = Thread.ofVirtual().name("cairn-storage-flush").start(() -> {
                        try {
                            ch.force(false);
                        } catch (IOException ignored) {
                            // the final force reports what went wrong
                        }
                    });
                }
            }
            written.put(end);
            joinUninterruptibly(hasher);
            done = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while writing");
        } finally {
            if (!done) hasher.interrupt();
            if (flushing != null) joinUninterruptibly(flushing);
        }
        return size;
    }

    /**
     * A temporary file's name: 128 random bits from {@link java.util.concurrent.ThreadLocalRandom}
     * (UUID.randomUUID draws on one shared SecureRandom, which many concurrent small writes queue on).
     * It only has to differ from other writers' in the same directory, and CREATE_NEW refuses a clash.
     */
    private static String tmpName() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return StorageKey.TMP_PREFIX + "-" + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some filesystems cannot open directories for sync; the rename itself is still atomic
        }
    }

    @Override
    public InputStream open(StorageKey key) {
        try {
            return Files.newInputStream(file(key));
        } catch (NoSuchFileException e) {
            throw new CairnException(ErrorCode.NOT_FOUND, "no blob '" + key + "' in package storage " + describe(), null);
        } catch (IOException e) {
            throw error("cannot read " + key, e);
        }
    }

    @Override
    public boolean exists(StorageKey key) {
        return Files.isRegularFile(file(key));
    }

    @Override
    public OptionalLong size(StorageKey key) {
        try {
            Path p = file(key);
            return Files.isRegularFile(p) ? OptionalLong.of(Files.size(p)) : OptionalLong.empty();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw error("cannot stat " + key, e);
        }
    }

    @Override
    public List<StorageKey> list(StorageKey prefix) {
        Path dir = file(prefix);
        List<StorageKey> out = new ArrayList<>();
        if (Files.isRegularFile(dir)) {
            out.add(prefix);
            return out;
        }
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(StorageKey.TMP_PREFIX))
                    .forEach(p -> out.add(new StorageKey(root.relativize(p).toString().replace('\\', '/'))));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw error("cannot list " + prefix, e instanceof IOException io ? io : ((java.io.UncheckedIOException) e).getCause());
        }
        out.sort(null);
        return out;
    }

    @Override
    public boolean delete(StorageKey key) {
        Path p = file(key);
        try {
            boolean existed = Files.deleteIfExists(p);
            pruneEmptyParents(p.getParent());
            return existed;
        } catch (DirectoryNotEmptyException e) {
            return false;
        } catch (IOException e) {
            throw error("cannot delete " + key, e);
        }
    }

    @Override
    public int deleteAll(StorageKey prefix) {
        Path dir = file(prefix);
        if (!Files.exists(dir)) return 0;
        int[] n = {0};
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> all = s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
            for (Path p : all) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().startsWith(StorageKey.TMP_PREFIX)) n[0]++;
                Files.deleteIfExists(p);
            }
            pruneEmptyParents(dir.getParent());
        } catch (IOException e) {
            throw error("cannot delete " + prefix, e);
        }
        return n[0];
    }

    private void pruneEmptyParents(Path dir) {
        while (dir != null && dir.startsWith(root) && !dir.equals(root)) {
            try {
                Files.delete(dir);
            } catch (IOException e) {
                return; // not empty (or already gone): stop
            }
            dir = dir.getParent();
        }
    }

    @Override
    public String describe() {
        return root.toUri().toString();
    }

    private static CairnException error(String what, IOException e) {
        return new CairnException(ErrorCode.STORAGE_ERROR, what + ": " + e.getClass().getSimpleName() + " " + e.getMessage(),
                "check the storage directory's permissions and free space", e);
    }
}
