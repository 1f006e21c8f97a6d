package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.core.api.ApiClient;
import dev.cairn.testkit.Await;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real {@code cairn up} during a 200 MiB CLI Install — once while the upload streams
 * and once after it was queued — then a restart on the same data directory: the install completes
 * (or is reported failed with its error), and storage is consistent with the completion marker.
 */
class PackageCrashTest {
    static final int SIZE = 200 << 20;

    @TempDir
    Path tmp;

    /** A zip with package.yaml and one 200 MiB STORED file of seeded pseudo-random bytes. */
    static Path bigPackage(Path dir) throws IOException {
        Path zip = dir.resolve("big-1.0.0.zip");
        byte[] chunk = new byte[1 << 20];
        Random rnd = new Random(42);
        CRC32 crc = new CRC32();
        for (int i = 0; i < SIZE / chunk.length; i++) {
            rnd.nextBytes(chunk);
            crc.update(chunk);
        }
        try (ZipOutputStream z = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16))) {
            z.putNextEntry(new ZipEntry("package.yaml"));
            z.write("name: big\nversion: 1.0.0\ndescription: a large package\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            ZipEntry e = new ZipEntry("data/blob.bin");
            e.setMethod(ZipEntry.STORED);
            e.setSize(SIZE);
            e.setCompressedSize(SIZE);
            e.setCrc(crc.getValue());
            z.putNextEntry(e);
            rnd = new Random(42);
            for (int i = 0; i < SIZE / chunk.length; i++) {
                rnd.nextBytes(chunk);
                z.write(chunk);
            }
            z.closeEntry();
        }
        return zip;
    }

    static JsonNode bigStatus(String url) {
        try {
            for (JsonNode p : new ApiClient(url, Duration.ofSeconds(5)).get("/api/v1/packages/state").path("packages")) {
                if (p.path("name").asText().equals("big")) return p;
            }
        } catch (CairnException e) {
            return null;
        }
        return Json.MAPPER.createObjectNode();
    }

    static String sha256(Path f) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(f)) {
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0; ) md.update(b, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void killNineDuringUploadAndDuringProcessingThenRestart() throws Exception {
        Path zip = bigPackage(tmp);
        Path data = tmp.resolve("data");
        try (CairnProcesses procs = new CairnProcesses()) {
            // 1. kill -9 while the upload streams
            String url = procs.up("--agents", "0", "--port", "0", "--data", data.toString());
            Process up1 = procs.last();
            Process add1 = procs.start("package", "add", zip.toString(), "--url", url);
            Path staging = data.resolve("storage/staging");
            Await.until("the upload to stream into staging", Duration.ofSeconds(60), () -> {
                try (var files = Files.walk(staging)) {
                    return files.anyMatch(Files::isRegularFile);
                }
            });
            up1.destroyForcibly();
            assertTrue(up1.waitFor(20, TimeUnit.SECONDS));
            assertTrue(add1.waitFor(60, TimeUnit.SECONDS), "the client notices the controller died");

            // 2. restart; add again; kill -9 as soon as the operation is queued (mid-processing)
            url = procs.up("--agents", "0", "--port", "0", "--data", data.toString());
            Process up2 = procs.last();
            JsonNode before = bigStatus(url);
            String url2 = url;
            System.out.println("after the kill during upload: " + before);
            if (before == null || before.path("name").isMissingNode()) {
                Process add2 = procs.start("package", "add", zip.toString(), "--url", url);
                CairnProcesses.await(() -> {
                    JsonNode s = bigStatus(url2);
                    return s != null && s.has("name");
                }, Duration.ofSeconds(120), "the install to be queued");
                System.out.println("killing cairn up with the install queued: " + bigStatus(url2));
                up2.destroyForcibly();
                assertTrue(up2.waitFor(20, TimeUnit.SECONDS));
                add2.waitFor(60, TimeUnit.SECONDS);
                url = procs.up("--agents", "0", "--port", "0", "--data", data.toString());
            }

            // 3. after the restart the operation completes (or fails with its error), storage consistent
            String url3 = url;
            CairnProcesses.await(() -> {
                JsonNode s = bigStatus(url3);
                return s != null && s.has("name") && s.path("operation").isNull();
            }, Duration.ofSeconds(180), "the queued install to leave the queue");
            JsonNode s = bigStatus(url3);
            System.out.println("after the restart: " + s);
            if (s.path("error").isNull()) {
                assertEquals("ALL", s.path("storage").asText(), s.toString());
                Path blob = data.resolve("storage/packages/big/1.0.0/data/blob.bin");
                assertEquals(SIZE, Files.size(blob));
                // every file the completion marker lists has the sha256 it records
                Path dir = data.resolve("storage/packages/big/1.0.0");
                Path marker = dir.resolve(dev.cairn.packages.CompletionMarker.FILE_NAME);
                assertTrue(Files.exists(marker), "completion marker written");
                assertTrue(Files.readString(marker).contains(sha256(blob)), "marker lists the blob's sha256");
            } else {
                assertTrue(!s.path("error").asText().isBlank(), "a failure carries its error: " + s);
            }
            // nothing half-written left in the package directory's temp files
            try (var walk = Files.walk(data.resolve("storage/packages"))) {
                assertEquals(0, walk.filter(f -> f.getFileName().toString().startsWith(dev.cairn.core.storage.StorageKey.TMP_PREFIX)).count(), "no temp files left");
            }
        }
    }
}
