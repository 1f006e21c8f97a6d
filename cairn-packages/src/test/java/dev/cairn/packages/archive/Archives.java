package dev.cairn.packages.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Hand-made archives, hostile ones included. */
final class Archives {
    static final String FULL_MANIFEST = """
            name: hello
            version: 1.0.0
            description: a tiny HTTP service
            options:                                  # JSON Schema; defaults fill what the user leaves out
              type: object
              properties:
                port: {type: integer, default: 18080, minimum: 1024, maximum: 65535, description: TCP port to listen on}
                greeting: {type: string, default: hello}
            instance:
              policy: multi                           # multi | one-per-role | one-per-cluster
              config:
                - template: templates/app.conf.mustache   # path inside the package
                  path: conf/app.conf                     # path inside the instance home
              states: states/install.sls              # optional
            service:
              command: ["python3", "-m", "http.server", "{{port}}", "--bind", "127.0.0.1"]
              cwd: "{{cairn.instance.home}}"
              monitor: {tcp: "127.0.0.1:{{port}}", interval: 1s}
            """;

    /** An entry: name, content, and optionally a link target (symlink) or 'H' for a hard link. */
    record E(String name, String content, String link, boolean hard) {
        static E file(String name, String content) { return new E(name, content, null, false); }

        static E symlink(String name, String target) { return new E(name, "", target, false); }

        static E hardlink(String name, String target) { return new E(name, "", target, true); }
    }

    static byte[] tarGz(E... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (E e : entries) {
                TarArchiveEntry t;
                if (e.link() != null) {
                    t = new TarArchiveEntry(e.name(), e.hard() ? TarArchiveEntry.LF_LINK : TarArchiveEntry.LF_SYMLINK);
                    t.setLinkName(e.link());
                    tar.putArchiveEntry(t);
                } else {
                    byte[] data = e.content().getBytes(StandardCharsets.UTF_8);
                    t = new TarArchiveEntry(e.name(), true);
                    t.setSize(data.length);
                    tar.putArchiveEntry(t);
                    tar.write(data);
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] zip(E... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (E e : entries) {
                ZipArchiveEntry z = new ZipArchiveEntry(e.name());
                byte[] data = (e.link() != null ? e.link() : e.content()).getBytes(StandardCharsets.UTF_8);
                if (e.link() != null) z.setUnixMode(0120777);
                zip.putArchiveEntry(z);
                zip.write(data);
                zip.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
