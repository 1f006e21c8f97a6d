package dev.cairn.packages.archive;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Archive builders for tests outside this package. */
public final class PackageArchiveTestAccess {
    private PackageArchiveTestAccess() {}

    /** A valid package whose archive is larger than {@code bytes} (its data is incompressible). */
    public static byte[] largeArchive(int bytes) {
        byte[] data = new byte[bytes];
        new java.util.Random(7).nextBytes(data);
        try {
            return Archives.tarGz(Archives.E.file("package.yaml", "name: large\nversion: '1'\ndescription: test\n"),
                    Archives.E.file("data.bin", new String(data, java.nio.charset.StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] manifestArchive(String name, String version) {
        try {
            return Archives.tarGz(Archives.E.file("package.yaml", "name: " + name + "\nversion: '" + version + "'\ndescription: test\n"),
                    Archives.E.file("bin/run", "#!/bin/sh\necho " + name + "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tar.gz of {@code path, content} pairs. */
    public static byte[] tarGz(String... pathAndContent) {
        Archives.E[] es = new Archives.E[pathAndContent.length / 2];
        for (int i = 0; i < es.length; i++) es[i] = Archives.E.file(pathAndContent[2 * i], pathAndContent[2 * i + 1]);
        try {
            return Archives.tarGz(es);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
