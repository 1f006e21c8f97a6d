package dev.cairn.packages.archive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.storage.LimitedInputStream;
import dev.cairn.core.storage.Sha256;
import dev.cairn.packages.CompletionMarker;
import dev.cairn.packages.Coordinate;
import dev.cairn.packages.FileEntry;
import dev.cairn.packages.InstallSource;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Reads package archives — tar.gz streamed entry by entry, zip through a temporary file (its
 * directory is at the end) — with bounded memory. Every entry is checked: no absolute paths, no
 * '..', no backslashes, no links or devices, no duplicates, no reserved names; the number of entries
 * and the uncompressed total are capped. The manifest (package.yaml, or package.json for a zipped
 * Universe package) must be at the root and valid. Each problem is one {@link CairnException}.
 */
public final class PackageArchive {
    /** Caps that keep a hostile archive from exhausting disk or memory. */
    public record Limits(int maxEntries, long maxTotalBytes) {
        public static final Limits DEFAULT = new Limits(10_000, 4L << 30);
    }

    private static final int MANIFEST_MAX = 1 << 20;

    private PackageArchive() {}

    /** Validates the archive and returns what it holds (with each file's sha256), without writing anything. */
    public static ArchiveSummary inspect(InputStream in, Limits limits) {
        return inspect(in, limits, true);
    }

    /** Like {@link #inspect(InputStream, Limits)}; without {@code hash} the files' sha256 are left empty (one pass less over the data). */
    public static ArchiveSummary inspect(InputStream in, Limits limits, boolean hash) {
        return extract(in, limits, null, (path, content) -> {
            if (!hash) {
                try {
                    return new FileEntry(path, content.transferTo(java.io.OutputStream.nullOutputStream()), "");
                } catch (IOException e) {
                    throw corrupt(e);
                }
            }
            MessageDigest d = Sha256.digest();
            byte[] buf = new byte[1 << 16];
            long size = 0;
            try {
                int n;
                while ((n = content.read(buf)) > 0) {
                    d.update(buf, 0, n);
                    size += n;
                }
            } catch (IOException e) {
                throw corrupt(e);
            }
            return new FileEntry(path, size, Sha256.hex(d));
        });
    }

    /**
     * Streams every file of the archive into {@code sink}, validating as it goes, and checks at the
     * end that the archive is the package {@code expected} (when given). {@code raw} is left open,
     * positioned after what the archive format consumed.
     */
    public static ArchiveSummary extract(InputStream raw, Limits limits, Coordinate expected, InstallSource.FileSink sink) {
        Collector col = new Collector(limits, sink);
        try {
            // the caller owns raw: closing the archive readers must not close it
            BufferedInputStream in = new BufferedInputStream(new NoClose(raw), 1 << 16);
            in.mark(4);
            byte[] magic = in.readNBytes(4);
            in.reset();
            if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                readTarGz(in, col);
            } else if (magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
                readZip(in, col);
            } else {
                throw new CairnException(ErrorCode.INVALID_INPUT, "package archive is neither a zip nor a tar.gz file",
                        "make one with 'cairn package build DIR'");
            }
        } catch (IOException e) {
            throw corrupt(e);
        }
        ArchiveSummary s = col.summary();
        if (expected != null && !expected.equals(s.coordinate())) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the archive holds " + s.coordinate() + ", not " + expected,
                    "the staged upload does not match its operation");
        }
        return s;
    }

    private static void readTarGz(InputStream in, Collector col) throws IOException {
        // the JDK's inflater with a 64 KiB input buffer: about three times faster than commons-compress's
        // gzip stream on a large package (0.2 s against 0.6 s per GiB), which reads its input 8 KiB at a time
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new java.util.zip.GZIPInputStream(in, 1 << 16))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isDirectory()) continue;
                if (e.isSymbolicLink() || e.isLink()) {
                    throw new CairnException(ErrorCode.INVALID_INPUT, "package archive entry '" + e.getName() + "' is a link to '"
                            + e.getLinkName() + "'" + (escapes(e.getName(), e.getLinkName()) ? ", which escapes the package" : ""),
                            "links are not allowed in packages; include the file itself");
                }
                if (!e.isFile()) {
                    throw new CairnException(ErrorCode.INVALID_INPUT, "package archive entry '" + e.getName() + "' is not a regular file",
                            "devices, FIFOs and other special files are not allowed");
                }
                col.entry(e.getName(), tar);
            }
        }
    }

    private static void readZip(InputStream in, Collector col) throws IOException {
        Path tmp = Files.createTempFile("cairn-upload-", ".zip");
        try {
            long copied = Files.copy(new LimitedInputStream(in, col.limits.maxTotalBytes(), "package archive"), tmp,
                    StandardCopyOption.REPLACE_EXISTING);
            if (copied == 0) throw corrupt(new IOException("empty file"));
            try (ZipFile zip = ZipFile.builder().setPath(tmp).get()) {
                Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
                while (entries.hasMoreElements()) {
                    ZipArchiveEntry e = entries.nextElement();
                    if (e.isDirectory()) continue;
                    if (e.isUnixSymlink()) {
                        String target;
                        try (InputStream t = zip.getInputStream(e)) {
                            target = new String(t.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
                        }
                        throw new CairnException(ErrorCode.INVALID_INPUT, "package archive entry '" + e.getName() + "' is a link to '"
                                + target + "'" + (escapes(e.getName(), target) ? ", which escapes the package" : ""),
                                "links are not allowed in packages; include the file itself");
                    }
                    if (!zip.canReadEntryData(e)) {
                        throw new CairnException(ErrorCode.INVALID_INPUT, "package archive entry '" + e.getName()
                                + "' uses an unsupported zip feature (encryption or compression method)", "re-create the zip with deflate");
                    }
                    try (InputStream data = zip.getInputStream(e)) {
                        col.entry(e.getName(), data);
                    }
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Whether a link at {@code entry} pointing to {@code target} leaves the package root. */
    static boolean escapes(String entry, String target) {
        if (target.startsWith("/") || target.contains("\\")) return true;
        List<String> parts = new ArrayList<>(List.of(entry.split("/")));
        parts.remove(parts.size() - 1);
        for (String s : target.split("/")) {
            if (s.isEmpty() || s.equals(".")) continue;
            if (s.equals("..")) {
                if (parts.isEmpty()) return true;
                parts.remove(parts.size() - 1);
            } else {
                parts.add(s);
            }
        }
        return false;
    }

    /** The package-relative path of an entry, or a refusal saying what is wrong with it. */
    static String normalize(String name) {
        String n = name;
        while (n.startsWith("./")) n = n.substring(2);
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*")) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "package archive entry '" + name + "' has an absolute path",
                    "entries must be relative to the package root");
        }
        if (n.contains("\\")) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "package archive entry '" + name + "' contains a backslash", null);
        }
        List<String> parts = new ArrayList<>();
        for (String s : n.split("/")) {
            if (s.isEmpty() || s.equals(".")) continue;
            if (s.equals("..")) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "package archive entry '" + name + "' uses '..' and would escape the package",
                        "entries must stay inside the package root");
            }
            if (s.startsWith(dev.cairn.core.storage.StorageKey.TMP_PREFIX) || s.equals(CompletionMarker.FILE_NAME) || s.indexOf('\0') >= 0) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "package archive entry '" + name + "' uses a reserved name", null);
            }
            parts.add(s);
        }
        if (parts.isEmpty()) throw new CairnException(ErrorCode.INVALID_INPUT, "package archive entry '" + name + "' has an empty path", null);
        return String.join("/", parts);
    }

    /** The refusal of an archive that could not be read to its end: INVALID_INPUT "package archive is corrupt: …". */
    public static CairnException corrupt(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
        return new CairnException(ErrorCode.INVALID_INPUT, "package archive is corrupt: " + m,
                "re-create it with 'cairn package build DIR' and upload it again", e);
    }

    /** Accumulates entries: limits, duplicates, the manifest, and the files written. */
    private static final class Collector {
        final Limits limits;
        final InstallSource.FileSink sink;
        final List<FileEntry> files = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        long total;
        byte[] packageYaml;
        byte[] packageJson;

        Collector(Limits limits, InstallSource.FileSink sink) {
            this.limits = limits;
            this.sink = sink;
        }

        void entry(String rawName, InputStream data) throws IOException {
            String path = normalize(rawName);
            if (!seen.add(path)) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "package archive has '" + path + "' twice", "each path may appear once");
            }
            if (seen.size() > limits.maxEntries()) {
                throw new CairnException(ErrorCode.TOO_LARGE, "package archive has more than " + limits.maxEntries() + " files", null);
            }
            InputStream bounded = new LimitedInputStream(new NoClose(data), limits.maxTotalBytes() - total, "package archive (uncompressed)");
            boolean manifest = path.equals(PackageManifest.FILE_NAME) || path.equals("package.json");
            if (manifest) {
                byte[] bytes = bounded.readNBytes(MANIFEST_MAX + 1);
                if (bytes.length > MANIFEST_MAX) {
                    throw new CairnException(ErrorCode.TOO_LARGE, "package archive's " + path + " is larger than 1 MiB", null);
                }
                if (path.equals(PackageManifest.FILE_NAME)) packageYaml = bytes; else packageJson = bytes;
                bounded = new ByteArrayInputStream(bytes);
            }
            FileEntry f = sink.put(path, bounded);
            total += f.size();
            files.add(f);
        }

        ArchiveSummary summary() {
            if (packageYaml != null) {
                PackageManifest m = PackageManifest.parse(packageYaml);
                return new ArchiveSummary(ArchiveSummary.Kind.CAIRN, m.coordinate(), Optional.of(m), List.copyOf(files), total);
            }
            if (packageJson != null) {
                JsonNode p = Json.tree(packageJson);
                String name = p.path("name").asText(null);
                String version = p.path("version").asText(null);
                if (name == null || version == null) {
                    throw new CairnException(ErrorCode.INVALID_INPUT, "package.json of the Universe package lacks 'name' or 'version'", null);
                }
                Coordinate c;
                try {
                    c = new Coordinate(name, version);
                } catch (CairnException e) {
                    throw new CairnException(e.code(), "package.json: " + e.getMessage(), e.hint());
                }
                return new ArchiveSummary(ArchiveSummary.Kind.UNIVERSE, c, Optional.empty(), List.copyOf(files), total);
            }
            throw new CairnException(ErrorCode.INVALID_INPUT, "package archive has no package.yaml (or package.json) at its root",
                    "put package.yaml with name, version and description at the top of the archive");
        }
    }

    /** Keeps consumers from closing the archive stream along with one entry. */
    private static final class NoClose extends FilterInputStream {
        NoClose(InputStream in) { super(in); }

        @Override
        public void close() {}
    }
}
