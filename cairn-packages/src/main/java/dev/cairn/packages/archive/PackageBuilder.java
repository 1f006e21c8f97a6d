package dev.cairn.packages.archive;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * {@code cairn package build DIR [-o FILE]}: checks DIR/package.yaml and packs every regular file of
 * DIR (except {@code .git/}) into a tar.gz — or a zip when FILE ends in {@code .zip} — with paths
 * relative to DIR, in sorted order. Links are refused, as CLI Install would refuse them.
 */
public final class PackageBuilder {
    private PackageBuilder() {}

    /** The default output name: {@code <name>-<version>.tar.gz}. */
    public static String defaultFileName(PackageManifest m) {
        return m.name() + "-" + m.version() + ".tar.gz";
    }

    public static PackageManifest manifest(Path dir) {
        Path yaml = dir.resolve(PackageManifest.FILE_NAME);
        if (!Files.isRegularFile(yaml)) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "no package.yaml in " + dir,
                    "create one with at least name, version and description");
        }
        try {
            return PackageManifest.parse(Files.readAllBytes(yaml));
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read " + yaml + ": " + e.getMessage(), null);
        }
    }

    /** Builds the archive atomically (temporary file, then rename); returns the manifest. */
    public static PackageManifest build(Path dir, Path out) {
        PackageManifest m = manifest(dir);
        Path root = dir.toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> !p.equals(root)).filter(p -> !root.relativize(p).toString().startsWith(".git")).sorted().toList();
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read " + dir + ": " + e.getMessage(), null);
        }
        Path tmp = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".tmp");
        boolean zip = out.getFileName().toString().endsWith(".zip");
        try {
            try (OutputStream o = Files.newOutputStream(tmp)) {
                if (zip) writeZip(root, files, o); else writeTarGz(root, files, o);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot write " + out + ": " + e.getMessage(), null);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
        return m;
    }

    private static String entryName(Path root, Path p) {
        String rel = root.relativize(p).toString().replace('\\', '/');
        if (Files.isSymbolicLink(p)) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "'" + rel + "' is a symbolic link", "packages hold regular files only; copy the target in");
        }
        return PackageArchive.normalize(rel);
    }

    private static void writeTarGz(Path root, List<Path> files, OutputStream o) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(o))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path p : files) {
                String name = entryName(root, p);
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
                TarArchiveEntry e = new TarArchiveEntry(p.toFile(), name);
                tar.putArchiveEntry(e);
                Files.copy(p, tar);
                tar.closeArchiveEntry();
            }
        }
    }

    private static void writeZip(Path root, List<Path> files, OutputStream o) throws IOException {
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(o)) {
            for (Path p : files) {
                String name = entryName(root, p);
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
                ZipArchiveEntry e = new ZipArchiveEntry(p.toFile(), name);
                zip.putArchiveEntry(e);
                Files.copy(p, zip);
                zip.closeArchiveEntry();
            }
        }
    }
}
