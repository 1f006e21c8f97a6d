package dev.cairn.packages;

import static dev.cairn.packages.OperationType.CLI_INSTALL;
import static dev.cairn.packages.TestSupport.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testkit.Await;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leadership comes and goes: the loop stops taking work when stopped and resumes when started again. */
class PackageProcessorLoopTest {
    @TempDir Path dir;

    /** Waits for the row (a read that meets a file being written counts as "not yet"). */
    private static void awaitRow(TestSupport w, Coordinate c, int row) {
        Await.until(c + " in row " + row, Duration.ofSeconds(60), () -> w.state(c).row() == row);
    }

    @Test
    void stopAndRestart() throws Exception {
        TestSupport w = new TestSupport(dir);
        PackageProcessorLoop loop = new PackageProcessorLoop(w.processor(StepHook.NONE), w.queue, w.storage, Clock.systemUTC(),
                Duration.ofMillis(50), Duration.ofMinutes(10), 4);
        Coordinate hello = new Coordinate("hello", "1.0.0");
        Coordinate world = new Coordinate("world", "1");
        loop.start();
        assertTrue(loop.running());
        w.enqueue(op(CLI_INSTALL, "hello", "1.0.0", "a"));
        awaitRow(w, hello, 16);

        loop.stop();
        assertFalse(loop.running());
        w.enqueue(op(CLI_INSTALL, "world", "1", "b"));
        // a running loop looks at the queue every 50 ms: in 300 ms, six of its intervals, one still
        // running would have taken the operation, which a stopped loop (not leader) must leave queued
        Thread.sleep(300);
        assertEquals(2, w.state(world).row(), "a stopped loop (not leader) processes nothing");

        loop.start();
        awaitRow(w, world, 16);
        loop.close();
        loop.close(); // idempotent
    }
}
