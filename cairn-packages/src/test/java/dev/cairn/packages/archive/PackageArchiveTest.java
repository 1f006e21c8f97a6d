package dev.cairn.packages.archive;

import static dev.cairn.packages.archive.Archives.E.file;
import static dev.cairn.packages.archive.Archives.E.hardlink;
import static dev.cairn.packages.archive.Archives.E.symlink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.storage.Sha256;
import dev.cairn.packages.Coordinate;
import dev.cairn.packages.FileEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageArchiveTest {
    static final PackageArchive.Limits LIMITS = PackageArchive.Limits.DEFAULT;
    static final Archives.E MANIFEST = file("package.yaml", "name: hello\nversion: 1.0.0\ndescription: hi\n");

    @TempDir Path dir;

    static ArchiveSummary inspect(byte[] archive) {
        return PackageArchive.inspect(new ByteArrayInputStream(archive), LIMITS);
    }

    static CairnException refused(byte[] archive) {
        CairnException e = assertThrows(CairnException.class, () -> inspect(archive));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void theFullManifestOfIssue8IsAcceptedAsWritten() throws IOException {
        for (byte[] a : List.of(Archives.tarGz(file("package.yaml", Archives.FULL_MANIFEST), file("templates/app.conf.mustache", "port={{port}}\n")),
                Archives.zip(file("package.yaml", Archives.FULL_MANIFEST), file("templates/app.conf.mustache", "port={{port}}\n")))) {
            ArchiveSummary s = inspect(a);
            assertEquals(ArchiveSummary.Kind.CAIRN, s.kind());
            assertEquals(new Coordinate("hello", "1.0.0"), s.coordinate());
            PackageManifest m = s.manifest().orElseThrow();
            assertEquals("a tiny HTTP service", m.description());
            assertEquals(18080, m.options().orElseThrow().path("properties").path("port").path("default").asInt());
            assertEquals("multi", m.instance().orElseThrow().path("policy").asText());
            assertEquals("conf/app.conf", m.instance().orElseThrow().path("config").get(0).path("path").asText());
            assertEquals("python3", m.service().orElseThrow().path("command").get(0).asText());
            assertEquals("1s", m.service().orElseThrow().path("monitor").path("interval").asText());
            assertEquals(List.of("package.yaml", "templates/app.conf.mustache"), s.files().stream().map(FileEntry::path).toList());
            assertEquals(Sha256.of("port={{port}}\n".getBytes()), s.files().get(1).sha256());
        }
    }

    @Test
    void aZippedUniversePackage() throws IOException {
        Path src = dev.cairn.testkit.TestData.path("universe", "repo", "packages", "H", "httpbin", "0");
        Path zip = dir.resolve("httpbin.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String f : new String[] {"package.json", "config.json", "resource.json", "marathon.json.mustache"}) {
                z.putNextEntry(new ZipEntry(f));
                z.write(Files.readAllBytes(src.resolve(f)));
                z.closeEntry();
            }
        }
        ArchiveSummary s = inspect(Files.readAllBytes(zip));
        assertEquals(ArchiveSummary.Kind.UNIVERSE, s.kind());
        assertEquals(new Coordinate("httpbin", "1.0.0"), s.coordinate());
        assertEquals(4, s.files().size());
    }

    @Test
    void aZippedUniversePackageWithAHyphenatedName() throws IOException {
        Path src = dev.cairn.testkit.TestData.path("universe", "repo", "packages", "H",
                "hello-world", "700");
        Path zip = dir.resolve("hello-world.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String f : new String[] {"package.json", "config.json", "resource.json", "marathon.json.mustache"}) {
                z.putNextEntry(new ZipEntry(f));
                z.write(Files.readAllBytes(src.resolve(f)));
                z.closeEntry();
            }
        }
        ArchiveSummary s = inspect(Files.readAllBytes(zip));
        assertEquals(ArchiveSummary.Kind.UNIVERSE, s.kind());
        assertEquals("hello-world", s.coordinate().name());
        assertEquals(Json.tree(Files.readAllBytes(src.resolve("package.json"))).path("version").asText(), s.coordinate().version());
    }

    @Test
    void leadingDotSlashIsNormalized() throws IOException {
        assertEquals("bin/x", inspect(Archives.tarGz(file("./package.yaml", "name: a\nversion: '1'\ndescription: d\n"), file("./bin/x", "x")))
                .files().get(1).path());
    }

    @Test
    void pathsEscapingThePackageAreRefused() throws IOException {
        assertTrue(refused(Archives.tarGz(MANIFEST, file("../evil.sh", "rm -rf"))).getMessage().contains("'..'"));
        assertTrue(refused(Archives.tarGz(MANIFEST, file("a/../../evil", "x"))).getMessage().contains("escape"));
        assertTrue(refused(Archives.zip(MANIFEST, file("/etc/cron.d/evil", "x"))).getMessage().contains("absolute path"));
        // commons-compress turns zip backslashes into slashes; either way the entry is refused
        assertTrue(refused(Archives.zip(MANIFEST, file("..\\evil", "x"))).getMessage().contains("would escape the package"));
        assertTrue(refused(Archives.tarGz(MANIFEST, file("a\\b", "x"))).getMessage().contains("backslash"));
        assertTrue(refused(Archives.tarGz(MANIFEST, file(".cairn-complete.json", "{}"))).getMessage().contains("reserved"));
    }

    @Test
    void linksAreRefused() throws IOException {
        CairnException e = refused(Archives.tarGz(MANIFEST, symlink("conf/passwd", "../../../etc/passwd")));
        assertEquals("package archive entry 'conf/passwd' is a link to '../../../etc/passwd', which escapes the package", e.getMessage());
        assertTrue(refused(Archives.tarGz(MANIFEST, hardlink("x", "/etc/shadow"))).getMessage().contains("link"));
        CairnException z = refused(Archives.zip(MANIFEST, symlink("root", "/")));
        assertEquals("package archive entry 'root' is a link to '/', which escapes the package", z.getMessage());
        assertTrue(refused(Archives.tarGz(MANIFEST, symlink("inside", "bin/x"))).getMessage().contains("is a link"));
    }

    @Test
    void missingOrInvalidManifests() throws IOException {
        assertTrue(refused(Archives.tarGz(file("README", "hi"))).getMessage().contains("no package.yaml"));
        assertEquals(ErrorCode.INVALID_NAME, refused(Archives.tarGz(file("package.yaml", "name: Hello_World\nversion: 1\ndescription: d\n"))).code());
        assertTrue(refused(Archives.tarGz(file("package.yaml", "name: hello\nversion: 1\n"))).getMessage().contains("missing 'description'"));
        assertTrue(refused(Archives.tarGz(file("package.yaml", "name: [unclosed\n"))).getMessage().startsWith("package.yaml is not valid YAML"));
        assertTrue(refused(Archives.tarGz(file("package.yaml", Archives.FULL_MANIFEST.replace("policy: multi", "policy: many"))))
                .getMessage().contains("instance.policy"));
        // our own manifests keep to [a-z0-9]+; hyphens are for Universe names
        CairnException hyphen = refused(Archives.tarGz(file("package.yaml", "name: hello-world\nversion: 1\ndescription: d\n")));
        assertEquals(ErrorCode.INVALID_NAME, hyphen.code());
        assertTrue(hyphen.getMessage().startsWith("package.yaml: package name 'hello-world' is not allowed"), hyphen.getMessage());
        assertTrue(refused(Archives.zip(file("package.json", "{\"name\":\"Hello_World\",\"version\":\"1\"}"))).getMessage()
                .contains("[a-z][a-z0-9-]*[a-z0-9]"));
    }

    @Test
    void corruptAndForeignFiles() throws IOException {
        assertTrue(refused("just text".getBytes()).getMessage().contains("neither a zip nor a tar.gz"));
        byte[] good = Archives.tarGz(MANIFEST, file("big", "x".repeat(100_000)));
        assertTrue(refused(Arrays.copyOf(good, good.length / 2)).getMessage().startsWith("package archive is corrupt"));
        byte[] badCrc = good.clone();
        badCrc[badCrc.length - 8] ^= 0x5a; // the gzip trailer's CRC-32 no longer matches the content
        assertTrue(refused(badCrc).getMessage().startsWith("package archive is corrupt"));
        byte[] zip = Archives.zip(MANIFEST, file("a", "b"));
        assertTrue(refused(Arrays.copyOf(zip, zip.length - 30)).getMessage().startsWith("package archive is corrupt"));
        assertTrue(refused(Archives.tarGz(MANIFEST, file("a", "1"), file("a", "2"))).getMessage().contains("twice"));
    }

    @Test
    void limitsAreEnforced() throws IOException {
        byte[] a = Archives.tarGz(MANIFEST, file("big", "x".repeat(10_000)));
        CairnException e = assertThrows(CairnException.class,
                () -> PackageArchive.inspect(new ByteArrayInputStream(a), new PackageArchive.Limits(100, 5_000)));
        assertEquals(ErrorCode.TOO_LARGE, e.code());
        CairnException n = assertThrows(CairnException.class,
                () -> PackageArchive.inspect(new ByteArrayInputStream(a), new PackageArchive.Limits(1, 1 << 20)));
        assertEquals(ErrorCode.TOO_LARGE, n.code());
    }

    @Test
    void builderMakesArchivesThatInspectCleanly() throws IOException {
        Path src = Files.createDirectories(dir.resolve("hello"));
        Files.writeString(src.resolve("package.yaml"), Archives.FULL_MANIFEST);
        Files.createDirectories(src.resolve("templates"));
        Files.writeString(src.resolve("templates/app.conf.mustache"), "port={{port}}\n");
        Files.createDirectories(src.resolve(".git"));
        Files.writeString(src.resolve(".git/HEAD"), "ref");
        for (String out : new String[] {"hello.tar.gz", "hello.zip"}) {
            PackageManifest m = PackageBuilder.build(src, dir.resolve(out));
            assertEquals("hello-1.0.0.tar.gz", PackageBuilder.defaultFileName(m));
            ArchiveSummary s = inspect(Files.readAllBytes(dir.resolve(out)));
            assertEquals(List.of("package.yaml", "templates/app.conf.mustache"), s.files().stream().map(FileEntry::path).toList(), out);
        }
        Files.createSymbolicLink(src.resolve("escape"), Path.of("/etc/passwd"));
        CairnException e = assertThrows(CairnException.class, () -> PackageBuilder.build(src, dir.resolve("x.tar.gz")));
        assertEquals("'escape' is a symbolic link", e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.tar.gz")));
        Files.delete(src.resolve("package.yaml"));
        assertTrue(assertThrows(CairnException.class, () -> PackageBuilder.build(src, dir.resolve("y.tar.gz"))).getMessage().startsWith("no package.yaml"));
    }

    static void write(Path p, byte[] data) throws IOException {
        try (OutputStream o = Files.newOutputStream(p)) {
            o.write(data);
        }
    }
}
