package dev.cairn.packages;

import static dev.cairn.packages.OperationType.CLI_INSTALL;
import static dev.cairn.packages.OperationType.UNINSTALL;
import static dev.cairn.packages.OperationType.UNIVERSE_INSTALL;
import static dev.cairn.packages.TestSupport.T0;
import static dev.cairn.packages.TestSupport.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.storage.StorageKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import dev.cairn.packages.archive.ArchiveInstallSource;
import dev.cairn.packages.archive.PackageArchive;
import dev.cairn.packages.archive.PackageArchiveTestAccess;
import dev.cairn.packages.universe.UriFetcher;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Optional;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills the processor at every step boundary of every operation (the hook throws an Error, which
 * nothing in the processor catches), then runs a fresh processor until the queue is empty. Every
 * package must end in its legal final state, with storage consistent and nothing lost.
 */
class ProcessorFaultInjectionTest {
    @TempDir Path dir;

    static final class Crash extends Error {
        Crash(String at) { super("crash at " + at); }
    }

    static final Coordinate HELLO = new Coordinate("hello", "1.0.0");
    static final StorageKey UPLOAD = StorageKey.of("staging", "1767225600000-upload");

    enum Scenario {
        UNIVERSE_INSTALL_OK(Set.of(16)),
        CLI_INSTALL_OK(Set.of(16)),
        /** A real upload, extracted into staging by the service and linked into place by the processor. */
        CLI_INSTALL_STAGED(Set.of(16)),
        UNINSTALL_OK(Set.of(0)),
        ABORT_FAILED_INSTALL(Set.of(0)),
        INSTALL_FAILS_UNTIL_FAILED(Set.of(1, 9));

        final Set<Integer> legalEnd;

        Scenario(Set<Integer> legalEnd) { this.legalEnd = legalEnd; }
    }

    /** Puts the world just before the operation under test is processed. */
    private void setUp(Scenario s, TestSupport w) {
        switch (s) {
            case UNIVERSE_INSTALL_OK -> w.enqueue(op(UNIVERSE_INSTALL, "hello", "1.0.0", "i"));
            case CLI_INSTALL_OK -> {
                w.storage.put(UPLOAD, new ByteArrayInputStream(new byte[100]));
                w.enqueue(new OperationEntry("i", CLI_INSTALL, new PackageRef("hello", "1.0.0", null), UPLOAD.value(), false, T0));
            }
            case CLI_INSTALL_STAGED -> {
                w.archives = new ArchiveInstallSource(w.storage, PackageArchive.Limits.DEFAULT);
                PackageService service = new PackageService(w.store, w.storage, w.log,
                        UriFetcher.DEFAULT, PackageService.Config.DEFAULT, Clock.fixed(T0, ZoneOffset.UTC));
                service.add(new ByteArrayInputStream(PackageArchiveTestAccess.tarGz("package.yaml",
                        "name: hello\nversion: 1.0.0\ndescription: hi\n", "bin/run.sh", "echo hi\n", "conf/a.conf", "a=1\n")), Optional.empty());
            }
            case UNINSTALL_OK -> {
                w.enqueue(op(UNIVERSE_INSTALL, "hello", "1.0.0", "i"));
                w.processor(StepHook.NONE).processOne(HELLO, T0);
                w.enqueue(op(UNINSTALL, "hello", "1.0.0", "u"));
            }
            case ABORT_FAILED_INSTALL -> {
                w.storage.put(UPLOAD, new ByteArrayInputStream(new byte[100]));
                w.source.failWith = new CairnException(ErrorCode.UNREACHABLE, "mirror down", null);
                w.enqueue(new OperationEntry("i", CLI_INSTALL, new PackageRef("hello", "1.0.0", null), UPLOAD.value(), false, T0));
                w.processor(StepHook.NONE).processOne(HELLO, T0);
                w.enqueue(op(UNINSTALL, "hello", "1.0.0", "u"));
            }
            case INSTALL_FAILS_UNTIL_FAILED -> {
                w.source.failWith = new CairnException(ErrorCode.UNREACHABLE, "mirror down", null);
                w.enqueue(op(UNIVERSE_INSTALL, "hello", "1.0.0", "i"));
            }
        }
    }

    /** Runs processors until the queue is empty, advancing time past any backoff. */
    private static void drain(TestSupport w, PackageProcessor p, Instant start) {
        Instant now = start;
        for (int i = 0; i < 50 && !w.queue.operationCoordinates().isEmpty(); i++) {
            p.processOnce(now);
            now = now.plusSeconds(120);
        }
        p.processOnce(now); // and repair whatever an interrupted processor left
        assertTrue(w.queue.operationCoordinates().isEmpty(), "queue drained");
    }

    private List<String> boundaries(Scenario s, Path d) {
        TestSupport w = new TestSupport(d);
        setUp(s, w);
        List<String> seen = new ArrayList<>();
        PackageProcessor p = w.processor((c, step) -> seen.add(step));
        drain(w, p, T0.plusSeconds(1));
        return seen;
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void crashAtEveryStepBoundaryThenResume(Scenario s) throws IOException {
        List<String> steps = boundaries(s, dir.resolve("probe"));
        assertTrue(steps.size() >= 3, "scenario has steps: " + steps);
        System.out.println(s + ": crashing at each of " + steps.size() + " step boundaries " + steps);
        for (int k = 0; k < steps.size(); k++) {
            Path d = dir.resolve("run" + k);
            TestSupport w = new TestSupport(d);
            setUp(s, w);
            final int crashAt = k;
            int[] n = {0};
            PackageProcessor doomed = w.processor((c, step) -> {
                if (n[0]++ == crashAt) throw new Crash(step);
            });
            try {
                drain(w, doomed, T0.plusSeconds(1));
                fail("expected a crash at boundary " + k + " (" + steps.get(k) + ")");
            } catch (Crash expected) {
                // the controller died here
            }
            PackageState mid = w.state(HELLO);
            assertTrue(mid.row() >= 0 && mid.row() < 24);
            drain(w, w.processor(StepHook.NONE), T0.plusSeconds(1000));
            // the controller's periodic collection of staged uploads no operation references
            StagedUploads.collect(w.storage, w.queue, T0.plus(java.time.Duration.ofHours(2)), StagedUploads.DEFAULT_GRACE);
            check(s, w, "crash before step " + k + " '" + steps.get(k) + "' (state then: row " + mid.row() + ")");
            deleteTree(d);
        }
    }

    private static void check(Scenario s, TestSupport w, String where) {
        PackageState end = w.state(HELLO);
        assertTrue(s.legalEnd.contains(end.row()), where + ": ended in row " + end.row() + " " + end.text());
        PackageFiles.Inspection files = PackageFiles.inspect(w.storage, HELLO);
        switch (end.row()) {
            case 16 -> {
                CompletionMarker m = files.marker().orElseThrow();
                assertEquals(List.of(), PackageFiles.verifyHashes(w.storage, m), where);
                assertEquals(3, m.files().size(), where);
                assertEquals(List.of(), w.storage.list(StorageKey.STAGING), where + ": upload dropped after success");
            }
            case 0 -> {
                assertEquals(Completeness.NONE, files.completeness(), where);
                assertEquals(List.of(), w.storage.list(StorageKey.STAGING), where + ": upload dropped after abort");
            }
            case 1, 9 -> assertEquals("mirror down", w.queue.read(HELLO).error().orElseThrow().value().error(), where);
            default -> fail(where);
        }
        assertFalse(w.state(HELLO).corrupted(), where);
        // no leftovers of interrupted writes anywhere under the package
        try (Stream<Path> st = Files.walk(((dev.cairn.storage.FsPackageStorage) w.storage).root())) {
            assertEquals(List.of(), st.filter(p -> p.getFileName().toString().startsWith(StorageKey.TMP_PREFIX)).toList(), where);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        // events come from the store: each committed queue change has exactly one, a change that
        // did not commit (the crash came first) has none
        List<String> types = w.events.types(HELLO.toString());
        long queued = w.events.count(PackageEvent.QUEUED);
        assertEquals(s == Scenario.UNINSTALL_OK || s == Scenario.ABORT_FAILED_INSTALL ? 2 : 1, queued, where + ": " + types);
        switch (s) {
            case UNIVERSE_INSTALL_OK, CLI_INSTALL_OK, CLI_INSTALL_STAGED -> assertEquals(1, w.events.count(PackageEvent.PROCESSED), where + ": " + types);
            case UNINSTALL_OK -> assertEquals(2, w.events.count(PackageEvent.PROCESSED), where + ": install and uninstall, " + types);
            case ABORT_FAILED_INSTALL -> {
                assertEquals(1, w.events.count(PackageEvent.ABORTED), where + ": " + types);
                assertEquals(1, w.events.count(PackageEvent.RETRIED), where + ": the one failure of setUp, " + types);
                assertEquals(0, w.events.count(PackageEvent.PROCESSED), where + ": " + types);
            }
            case INSTALL_FAILS_UNTIL_FAILED -> {
                int attempts = w.queue.read(HELLO).error().orElseThrow().value().attempts();
                assertEquals(1, w.events.count(PackageEvent.FAILED), where + ": " + types);
                assertEquals(attempts - 1, w.events.count(PackageEvent.RETRIED), where + ": one per recorded retry, " + types);
            }
        }
        assertEquals(types.get(types.size() - 1), switch (s) {
            case UNIVERSE_INSTALL_OK, CLI_INSTALL_OK, CLI_INSTALL_STAGED, UNINSTALL_OK -> PackageEvent.PROCESSED;
            case ABORT_FAILED_INSTALL -> PackageEvent.ABORTED;
            case INSTALL_FAILS_UNTIL_FAILED -> PackageEvent.FAILED;
        }, where + ": " + types);
    }

    private static void deleteTree(Path d) throws IOException {
        try (Stream<Path> st = Files.walk(d)) {
            for (Path p : st.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
