package dev.cairn.states.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcTest {
    @TempDir Path dir;

    /**
     * An executable still open for writing cannot be executed (ETXTBSY). When another thread's fork
     * holds the writer's descriptor for a moment, the exec must be retried rather than fail.
     */
    @Test
    void anExecutableBusyForAMomentStillRuns() throws Exception {
        Path script = dir.resolve("hello");
        FileOutputStream writer = new FileOutputStream(script.toFile());
        writer.write("#!/bin/sh\necho hello\n".getBytes(StandardCharsets.UTF_8));
        writer.flush();
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        // while the writer is open, exec fails with "Text file busy"
        Proc.Result busy = runOnce(script);
        assertEquals(127, busy.retcode(), "exec of a file open for writing must fail: " + busy);
        assertTrue(busy.stderr().contains("Text file busy") || busy.stderr().contains("26"), busy.stderr());

        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(60);
                writer.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Proc.Result r = Proc.run(List.of(script.toString()), new Proc.Options(null, Map.of(), 10, null, null));
        closer.join();
        assertEquals(0, r.retcode(), r.toString());
        assertEquals("hello", r.stdout().strip());
    }

    @Test
    void aMissingProgramFailsAtOnceWith127() {
        long t0 = System.nanoTime();
        Proc.Result r = Proc.run(List.of(dir.resolve("absent").toString()), Proc.Options.none());
        assertEquals(127, r.retcode());
        assertTrue(r.stderr().contains("No such file"), r.stderr());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "no retries for a missing program");
    }

    private static Proc.Result runOnce(Path script) {
        try {
            new ProcessBuilder(script.toString()).start().waitFor();
            return new Proc.Result(0, 0, "", "", false, null);
        } catch (Exception e) {
            return new Proc.Result(-1, 127, "", String.valueOf(e.getMessage()), false, e.getMessage());
        }
    }
}
