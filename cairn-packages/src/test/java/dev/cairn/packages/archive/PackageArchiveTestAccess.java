package dev.cairn.packages.archive;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Archive builders for tests outside this package. */
public final class PackageArchiveTestAccess {
    private PackageArchiveTestAccess() {}

    public static byte[] manifestArchive(String name, String version) {
        try {
            return Archives.tarGz(Archives.E.file("package.yaml", "name: " + name + "\nversion: '" + version + "'\ndescription: test\n"),
                    Archives.E.file("bin/run", "#!/bin/sh\necho " + name + "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
