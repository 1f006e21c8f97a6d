package dev.cairn.packages;

import static dev.cairn.packages.OperationType.CLI_INSTALL;
import static dev.cairn.packages.OperationType.UNINSTALL;
import static dev.cairn.packages.OperationType.UNIVERSE_INSTALL;
import static dev.cairn.packages.TestSupport.T0;
import static dev.cairn.packages.TestSupport.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.storage.StorageKey;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageProcessorTest {
    @TempDir Path dir;
    TestSupport w;
    PackageProcessor p;
    final Coordinate hello = new Coordinate("hello", "1.0.0");

    @BeforeEach
    void setUp() {
        w = new TestSupport(dir);
        p = w.processor(StepHook.NONE);
    }

    @Test
    void universeInstallThenUninstall() {
        assertInstanceOf(EnqueuePlanner.Decision.Queue.class, w.enqueue(op(UNIVERSE_INSTALL, "hello", "1.0.0", "op1")));
        assertEquals(4, w.state(hello).row());
        assertEquals(PackageProcessor.Outcome.INSTALLED, p.processOne(hello, T0));
        assertEquals(16, w.state(hello).row());
        CompletionMarker m = PackageFiles.readMarker(w.storage, hello).orElseThrow();
        assertEquals(List.of("package.yaml", "bin/run.sh", "conf/a.conf"), m.files().stream().map(FileEntry::path).toList());
        assertEquals(List.of(), PackageFiles.verifyHashes(w.storage, m));

        w.enqueue(op(UNINSTALL, "hello", "1.0.0", "op2"));
        assertEquals(22, w.state(hello).row());
        assertEquals(PackageProcessor.Outcome.UNINSTALLED, p.processOne(hello, T0));
        assertEquals(0, w.state(hello).row());
        assertEquals(List.of(), w.storage.list(StorageKey.PACKAGES));
        assertEquals(List.of("package.queued", "package.processed", "package.queued", "package.processed"), w.events.types());
    }

    @Test
    void userErrorsOfRows6_18_20AreAnsweredAtOnceWithoutQueueing() {
        var refused = assertInstanceOf(EnqueuePlanner.Decision.Refuse.class, w.enqueue(op(UNINSTALL, "hello", "1.0.0", "u")));
        assertEquals(ErrorCode.CONFLICT, refused.error().code());
        assertTrue(refused.error().getMessage().contains("not installed"), refused.error().getMessage());
        assertTrue(w.queue.operationCoordinates().isEmpty());

        w.enqueue(op(CLI_INSTALL, "hello", "1.0.0", "a"));
        p.processOne(hello, T0);
        for (OperationType t : List.of(CLI_INSTALL, UNIVERSE_INSTALL)) {
            var r = assertInstanceOf(EnqueuePlanner.Decision.Refuse.class, w.enqueue(op(t, "hello", "1.0.0", "b")));
            assertEquals(ErrorCode.CONFLICT, r.error().code());
            assertTrue(r.error().getMessage().contains("already installed"), r.error().getMessage());
        }
        assertTrue(w.queue.operationCoordinates().isEmpty());
    }

    @Test
    void twoConcurrentRequestsForOneCoordinateQueueExactlyOne() {
        OperationEntry a = op(UNIVERSE_INSTALL, "hello", "1.0.0", "a");
        OperationEntry b = op(CLI_INSTALL, "hello", "1.0.0", "b");
        AtomicInteger decisions = new AtomicInteger();
        // b decides on the empty queue; a is queued between b's read and b's write, so b's transaction loses
        CairnException refused = assertThrows(CairnException.class, () -> w.queue.enqueue(hello, seen -> {
            if (decisions.incrementAndGet() == 1) {
                assertInstanceOf(EnqueuePlanner.Decision.Queue.class, w.enqueue(a));
                assertTrue(seen.operation().isEmpty(), "b decided on the queue as it was before a");
            }
            return switch (EnqueuePlanner.decide(b, seen, Completeness.NONE)) {
                case EnqueuePlanner.Decision.Refuse r -> throw r.error();
                case EnqueuePlanner.Decision.Queue q -> new PackageQueue.Admission<>(q.entry(),
                        PackageEvent.queued(b, PackageStateTable.state(Optional.of(CLI_INSTALL), false, Completeness.NONE)), null);
            };
        }));
        assertEquals(2, decisions.get(), "b decided again on what won");
        // what the service answers, after re-reading:
        assertEquals("a Universe Install of hello@1.0.0 is already pending (Universe Install Pending, row 4)", refused.getMessage());
        // the losing transaction recorded no event: one queued event, the winner's
        List<dev.cairn.core.events.Event> queued = w.events.all();
        assertEquals(List.of("package.queued"), queued.stream().map(dev.cairn.core.events.Event::type).toList());
        assertEquals("a", queued.get(0).data().get("operationId").asText());
        assertEquals("a", w.queue.read(hello).operation().orElseThrow().value().id());
    }

    @Test
    void aDequeueThatLosesItsVersionCheckRecordsNoEvent() {
        w.enqueue(op(UNIVERSE_INSTALL, "hello", "1.0.0", "i"));
        // someone rewrites the operation entry between the processor's read and its dequeue
        PackageProcessor racing = w.processor((c, step) -> {
            if (step.equals("dequeue")) {
                w.store.put(PackageQueue.operationPath(hello), dev.cairn.core.Json.bytes(op(UNIVERSE_INSTALL, "hello", "1.0.0", "i")));
            }
        });
        assertEquals(PackageProcessor.Outcome.CHANGED, racing.processOne(hello, T0));
        assertEquals(List.of("package.queued"), w.events.types(), "no processed event for a dequeue that did not happen");
        // the next pass completes it, with exactly one processed event
        assertEquals(PackageProcessor.Outcome.INSTALLED, p.processOne(hello, T0));
        assertEquals(List.of("package.queued", "package.processed"), w.events.types());
    }

    @Test
    void anErrorRecordThatLosesItsVersionCheckRecordsNoEvent() {
        w.source.failWith = new CairnException(ErrorCode.UNREACHABLE, "mirror down", null);
        w.enqueue(op(UNIVERSE_INSTALL, "hello", "1.0.0", "i"));
        PackageProcessor racing = w.processor((c, step) -> {
            if (step.equals("record-error")) {
                w.store.put(PackageQueue.operationPath(hello), dev.cairn.core.Json.bytes(op(UNIVERSE_INSTALL, "hello", "1.0.0", "i")));
            }
        });
        assertEquals(PackageProcessor.Outcome.CHANGED, racing.processOne(hello, T0));
        assertTrue(w.queue.read(hello).error().isEmpty());
        assertEquals(List.of("package.queued"), w.events.types());
    }

    @Test
    void failuresRetryWithBackoffThenFailAndKeepTheError() {
        w.source.failWith = new CairnException(ErrorCode.UNREACHABLE, "repository universe did not answer", null);
        w.enqueue(op(UNIVERSE_INSTALL, "hello", "1.0.0", "x"));
        assertEquals(PackageProcessor.Outcome.RETRYING, p.processOne(hello, T0));
        assertEquals(13, w.state(hello).row(), "partial files + error = Universe Install Reattempt");
        ErrorEntry e = w.queue.read(hello).error().orElseThrow().value();
        assertEquals(1, e.attempts());
        assertEquals(T0.plusSeconds(10), e.nextAttemptAt());
        assertEquals(PackageProcessor.Outcome.WAITING, p.processOne(hello, T0.plusSeconds(9)));
        assertEquals(PackageProcessor.Outcome.RETRYING, p.processOne(hello, T0.plusSeconds(10)));
        assertEquals(T0.plusSeconds(30), w.queue.read(hello).error().orElseThrow().value().nextAttemptAt(), "backoff doubles");
        assertEquals(PackageProcessor.Outcome.FAILED, p.processOne(hello, T0.plusSeconds(30)));
        PackageState s = w.state(hello);
        assertEquals(9, s.row());
        assertEquals("Failed", s.text());
        assertEquals("repository universe did not answer", w.queue.read(hello).error().orElseThrow().value().error());
        assertEquals(List.of("package.queued", "package.retried", "package.retried", "package.failed"), w.events.types());

        // install again over a failure: a fresh operation gets a fresh count of attempts and can succeed
        w.source.failWith = null;
        w.enqueue(op(UNIVERSE_INSTALL, "hello", "1.0.0", "y"));
        assertEquals(13, w.state(hello).row());
        assertEquals(PackageProcessor.Outcome.INSTALLED, p.processOne(hello, T0.plusSeconds(31)));
        assertEquals(16, w.state(hello).row());
    }

    @Test
    void anUnexpectedExceptionIsRecordedNotLooped() {
        w.source.failWith = new NullPointerException("bug in a source");
        w.enqueue(op(UNIVERSE_INSTALL, "hello", "1.0.0", "x"));
        assertEquals(PackageProcessor.Outcome.RETRYING, p.processOne(hello, T0));
        assertEquals("bug in a source", w.queue.read(hello).error().orElseThrow().value().error());
    }

    @Test
    void badInputFailsAtOnceWithoutRetrying() {
        w.source.failWith = new CairnException(ErrorCode.INVALID_INPUT, "archive is corrupt", null);
        w.enqueue(op(CLI_INSTALL, "hello", "1.0.0", "x"));
        assertEquals(PackageProcessor.Outcome.FAILED, p.processOne(hello, T0));
        assertEquals(9, w.state(hello).row());
    }

    @Test
    void uninstallAbortsAFailingInstall() {
        w.source.failWith = new CairnException(ErrorCode.UNREACHABLE, "asset did not download", null);
        w.storage.put(StorageKey.of("staging", "1-upload"), new ByteArrayInputStream(new byte[10]));
        OperationEntry install = new OperationEntry("i", CLI_INSTALL, new PackageRef("hello", "1.0.0", null), "staging/1-upload", false, T0);
        w.enqueue(install);
        p.processOne(hello, T0);
        assertEquals(11, w.state(hello).row());
        assertInstanceOf(EnqueuePlanner.Decision.Queue.class, w.enqueue(op(UNINSTALL, "hello", "1.0.0", "u")));
        assertEquals(15, w.state(hello).row());
        assertEquals("Abort Failed Install", w.state(hello).text());
        assertEquals(PackageProcessor.Outcome.ABORTED, p.processOne(hello, T0));
        assertEquals(0, w.state(hello).row());
        assertTrue(w.storage.list(StorageKey.PACKAGES).isEmpty());
        assertFalse(w.storage.exists(StorageKey.of("staging", "1-upload")), "the failed install's upload is dropped");
        assertEquals("package.aborted", w.events.types().get(w.events.types().size() - 1));
    }

    @Test
    void pendingInstallWithoutErrorRefusesUninstall() {
        w.enqueue(op(UNIVERSE_INSTALL, "hello", "1.0.0", "i"));
        var r = assertInstanceOf(EnqueuePlanner.Decision.Refuse.class, w.enqueue(op(UNINSTALL, "hello", "1.0.0", "u")));
        assertTrue(r.error().getMessage().contains("already pending"));
    }

    @Test
    void row8OrphanedFilesAreRemovedWithAnEvent() {
        w.storage.put(hello.storagePrefix().child("half.bin"), new ByteArrayInputStream(new byte[3]));
        assertEquals(8, w.state(hello).row());
        assertTrue(w.state(hello).corrupted());
        var report = p.processOnce(T0);
        assertEquals(PackageProcessor.Outcome.REPAIRED, report.outcomes().get(hello));
        assertEquals(0, w.state(hello).row());
        assertEquals(List.of("package.repaired"), w.events.types());
        assertEquals(8, w.events.all().get(0).data().get("row").asInt());
        assertEquals(1, w.events.all().get(0).data().get("files").asInt());
    }

    @Test
    void rows10And14AreResumed() {
        w.storage.put(hello.storagePrefix().child("package.yaml"), new ByteArrayInputStream("stale".getBytes()));
        w.enqueueAnyway(op(CLI_INSTALL, "hello", "1.0.0", "i"));
        assertEquals(10, w.state(hello).row());
        assertEquals(PackageProcessor.Outcome.INSTALLED, p.processOne(hello, T0));
        assertEquals(16, w.state(hello).row());
        assertEquals(List.of("package.queued", "package.repaired", "package.processed"), w.events.types());
        assertEquals(10, w.events.all().get(1).data().get("row").asInt());

        w.storage.delete(PackageFiles.markerKey(hello)); // an uninstall that crashed after its first step
        w.enqueueAnyway(op(UNINSTALL, "hello", "1.0.0", "u"));
        assertEquals(14, w.state(hello).row());
        assertEquals(PackageProcessor.Outcome.UNINSTALLED, p.processOne(hello, T0));
        assertEquals(0, w.state(hello).row());
    }

    @Test
    void row17CanBeAbortedOrReinstalled() {
        w.enqueue(op(UNIVERSE_INSTALL, "hello", "1.0.0", "i"));
        p.processOne(hello, T0);
        // a crash of the old kind: files complete but an error left behind
        w.queue.recordFailure(w.queue.read(hello), new ErrorEntry("old", UNIVERSE_INSTALL, new PackageRef("hello", "1.0.0", "u"),
                null, false, "controller crashed", 1, T0, null),
                List.of(dev.cairn.core.events.EventDraft.of(PackageEvent.FAILED, "hello@1.0.0", "controller crashed")));
        assertEquals(17, w.state(hello).row());
        assertEquals("Failed: Cosmos crashed", w.state(hello).text());
        w.enqueue(op(UNIVERSE_INSTALL, "hello", "1.0.0", "again"));
        assertEquals(21, w.state(hello).row());
        assertEquals(PackageProcessor.Outcome.INSTALLED, p.processOne(hello, T0));
        assertEquals(16, w.state(hello).row());
        assertEquals("again", PackageFiles.readMarker(w.storage, hello).orElseThrow().operationId());
    }

    @Test
    void parallelProcessingOfManyCoordinates() {
        for (int i = 0; i < 40; i++) {
            w.source.with("p" + i, "package.yaml", "name: p" + i + "\n", "data", "x".repeat(i));
            w.enqueue(op(CLI_INSTALL, "p" + i, "1", "op" + i));
        }
        assertTrue(p.processQueue(T0, 8, () -> false).outcomes().isEmpty(), "told to stop: starts nothing");
        PackageProcessor.Report r = p.processQueue(T0, 8, () -> true);
        assertEquals(40, r.count(PackageProcessor.Outcome.INSTALLED));
        for (int i = 0; i < 40; i++) assertEquals(16, w.state(new Coordinate("p" + i, "1")).row());
        assertTrue(w.queue.operationCoordinates().isEmpty());
    }

    @Test
    void aCrashInAParallelTaskPropagates() {
        w.enqueue(op(CLI_INSTALL, "hello", "1.0.0", "a"));
        PackageProcessor crashing = w.processor((c, step) -> {
            throw new AssertionError("killed at " + step);
        });
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> crashing.processQueue(T0, 4, () -> true));
        assertEquals("killed at write package.yaml", e.getMessage());
    }

    @Test
    void retryPolicyBackoff() {
        RetryPolicy r = TestSupport.RETRY;
        assertEquals(T0.plusSeconds(10), r.nextAttempt(1, T0));
        assertEquals(T0.plusSeconds(20), r.nextAttempt(2, T0));
        assertEquals(T0.plusSeconds(60), r.nextAttempt(10, T0));
        assertFalse(r.exhausted(2));
        assertTrue(r.exhausted(3));
    }
}
