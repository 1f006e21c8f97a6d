package dev.cairn.packages;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.storage.PutResult;
import dev.cairn.core.storage.StorageKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Works the operation queue; runs on the leader only. Each step is idempotent and every decision is
 * re-derived from the queues and storage, so a processor killed anywhere is resumed by a fresh one:
 * <ul>
 * <li>install: remove partial files → write each file → write the completion marker (with the
 *     operation id) → dequeue (operation and error in one transaction) → drop the staged upload;
 *     finding the marker of this very operation skips straight to dequeue;</li>
 * <li>uninstall (and Abort Failed Install): delete the marker → delete each file → dequeue → drop
 *     the failed install's staged upload;</li>
 * <li>a failure records the error with a backoff (Reattempt rows); when the retry limit is reached,
 *     or the input itself is bad, the operation is dropped and the error kept (Failed rows);</li>
 * <li>corrupted rows are repaired: 10/12/14 by resuming the operation, 8 (files with nothing queued)
 *     by removing the files.</li>
 * </ul>
 * Runtime exceptions from a step (a bug included) are operation failures recorded in the error
 * queue, except STORE_UNAVAILABLE; {@link Error}s (a crash) propagate.
 */
public final class PackageProcessor {
    private final PackageQueue queue;
    private final PackageStorage storage;
    private final InstallSource universe;
    private final InstallSource archives;
    private final RetryPolicy retry;
    private final StepHook hook;

    public PackageProcessor(PackageQueue queue, PackageStorage storage, InstallSource universe, InstallSource archives,
                            RetryPolicy retry, StepHook hook) {
        this.queue = queue;
        this.storage = storage;
        this.universe = universe;
        this.archives = archives;
        this.retry = retry;
        this.hook = hook;
    }

    /** What one call did, by coordinate. */
    public record Report(Map<Coordinate, Outcome> outcomes) {
        public long count(Outcome o) {
            return outcomes.values().stream().filter(o::equals).count();
        }
    }

    public enum Outcome { INSTALLED, UNINSTALLED, ABORTED, RETRYING, FAILED, WAITING, CHANGED, REPAIRED, NOTHING }

    /** Processes every due operation once, then repairs orphaned partial files (row 8). */
    public Report processOnce(Instant now) {
        Map<Coordinate, Outcome> out = new LinkedHashMap<>(processQueue(now).outcomes());
        out.putAll(repairOrphans().outcomes());
        return new Report(out);
    }

    /** Processes every due operation of the queue once, in coordinate order. */
    public Report processQueue(Instant now) {
        Map<Coordinate, Outcome> out = new LinkedHashMap<>();
        for (Coordinate c : queue.operationCoordinates()) out.put(c, processOne(c, now));
        return new Report(out);
    }

    /**
     * Processes every due operation once, up to {@code parallelism} coordinates at a time (each on a
     * virtual thread; operations of different coordinates are independent, and one coordinate is
     * never worked on twice at once). Starts no new operation once {@code keepGoing} says stop. An
     * {@link Error} or unexpected exception of any task is rethrown after the others finished.
     */
    public Report processQueue(Instant now, int parallelism, java.util.function.BooleanSupplier keepGoing) {
        List<Coordinate> todo = queue.operationCoordinates();
        Map<Coordinate, Outcome> out = new java.util.concurrent.ConcurrentHashMap<>();
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(Math.max(1, parallelism));
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Coordinate c : todo) {
                if (!keepGoing.getAsBoolean()) break;
                slots.acquireUninterruptibly();
                futures.add(pool.submit(() -> {
                    try {
                        if (keepGoing.getAsBoolean()) out.put(c, processOne(c, now));
                    } finally {
                        slots.release();
                    }
                }));
            }
        }
        for (var f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Error err) throw err;
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Map<Coordinate, Outcome> ordered = new LinkedHashMap<>();
        for (Coordinate c : todo) if (out.containsKey(c)) ordered.put(c, out.get(c));
        return new Report(ordered);
    }

    /** Processes the operation queued for {@code c}, if any and if due. */
    public Outcome processOne(Coordinate c, Instant now) {
        QueueSnapshot seen = queue.read(c);
        if (seen.operation().isEmpty()) return Outcome.NOTHING;
        OperationEntry op = seen.operation().get().value();
        if (seen.error().isPresent()) {
            ErrorEntry e = seen.error().get().value();
            if (op.id().equals(e.operationId()) && e.nextAttemptAt() != null && e.nextAttemptAt().isAfter(now)) {
                return Outcome.WAITING;
            }
        }
        PackageFiles.Inspection found = PackageFiles.inspect(storage, c);
        PackageState state = seen.state(found.completeness());
        // a corrupted row is reported with the queue change that resolves it (same transaction)
        List<EventDraft> notes = new ArrayList<>();
        if (state.corrupted()) notes.add(PackageEvent.resumed(op, state));
        try {
            return switch (op.operation()) {
                case UNIVERSE_INSTALL, CLI_INSTALL -> install(seen, op, found, notes);
                case UNINSTALL -> uninstall(seen, op, notes);
            };
        } catch (RuntimeException e) {
            // the store itself failing is not the operation's fault: the next pass (or leader) retries
            if (e instanceof CairnException ce && ce.code() == ErrorCode.STORE_UNAVAILABLE) throw ce;
            return fail(seen, op, e, now, notes);
        }
    }

    private static List<EventDraft> with(List<EventDraft> notes, EventDraft last) {
        List<EventDraft> all = new ArrayList<>(notes);
        all.add(last);
        return all;
    }

    private Outcome install(QueueSnapshot seen, OperationEntry op, PackageFiles.Inspection found, List<EventDraft> notes) {
        Coordinate c = op.coordinate();
        StorageKey prefix = c.storagePrefix();
        boolean done = found.completeness() == Completeness.ALL && op.id().equals(found.marker().orElseThrow().operationId());
        if (!done) {
            if (found.completeness() != Completeness.NONE) {
                hook.at(c, "clean");
                storage.deleteAll(prefix);
            }
            List<FileEntry> files = new ArrayList<>();
            InstallSource source = op.operation() == OperationType.CLI_INSTALL ? archives : universe;
            source.writeFiles(op, new InstallSource.FileSink() {
                @Override
                public FileEntry put(String path, java.io.InputStream content) {
                    check(path);
                    hook.at(c, "write " + path);
                    PutResult r = storage.put(prefix.child(path), content);
                    return add(new FileEntry(path, r.size(), r.sha256()));
                }

                @Override
                public FileEntry link(String path, StorageKey staged, FileEntry known) {
                    check(path);
                    hook.at(c, "write " + path);
                    StorageKey target = prefix.child(path);
                    storage.copy(staged, target);
                    long size = storage.size(target).orElse(-1);
                    if (size != known.size()) {
                        throw new CairnException(ErrorCode.STORAGE_ERROR, "the staged file " + staged + " has " + size + " bytes, not the "
                                + known.size() + " recorded when it was staged", "add the package again with 'cairn package add FILE'");
                    }
                    return add(new FileEntry(path, known.size(), known.sha256()));
                }

                private void check(String path) {
                    PackageFiles.requireFilePath(path);
                    if (files.stream().anyMatch(f -> f.path().equals(path))) {
                        throw new CairnException(ErrorCode.INVALID_INPUT, "package " + c + " has the file '" + path + "' twice",
                                "each path may appear once in a package");
                    }
                }

                private FileEntry add(FileEntry f) {
                    files.add(f);
                    return f;
                }
            });
            hook.at(c, "marker");
            PackageFiles.writeMarker(storage, new CompletionMarker(c.name(), c.version(), op.id(), files, Instant.now()));
        }
        hook.at(c, "dequeue");
        if (!queue.complete(seen, with(notes, PackageEvent.processed(op, PackageStateTable.installed())))) return Outcome.CHANGED;
        if (op.uri() != null) {
            hook.at(c, "drop-upload");
            StagedUploads.drop(storage, new StorageKey(op.uri()));
        }
        return Outcome.INSTALLED;
    }

    private Outcome uninstall(QueueSnapshot seen, OperationEntry op, List<EventDraft> notes) {
        Coordinate c = op.coordinate();
        StorageKey prefix = c.storagePrefix();
        hook.at(c, "unmark");
        storage.delete(PackageFiles.markerKey(c));
        for (StorageKey k : storage.list(prefix)) {
            hook.at(c, "delete " + k.relativeTo(prefix));
            storage.delete(k);
        }
        storage.deleteAll(prefix);
        hook.at(c, "dequeue");
        if (seen.error().isPresent()) {
            ErrorEntry failed = seen.error().get().value();
            if (!queue.complete(seen, with(notes, PackageEvent.aborted(op, failed, PackageStateTable.notInstalled())))) return Outcome.CHANGED;
            if (failed.uri() != null) {
                hook.at(c, "drop-upload");
                StagedUploads.drop(storage, new StorageKey(failed.uri()));
            }
            return Outcome.ABORTED;
        }
        if (!queue.complete(seen, with(notes, PackageEvent.processed(op, PackageStateTable.notInstalled())))) return Outcome.CHANGED;
        return Outcome.UNINSTALLED;
    }

    private Outcome fail(QueueSnapshot seen, OperationEntry op, RuntimeException e, Instant now, List<EventDraft> notes) {
        Coordinate c = op.coordinate();
        int before = seen.error().filter(v -> op.id().equals(v.value().operationId())).map(v -> v.value().attempts()).orElse(0);
        int attempts = before + 1;
        String message = oneLine(e);
        boolean permanent = e instanceof CairnException ce && ce.code().exitCode() == 2;
        hook.at(c, "record-error");
        if (permanent || retry.exhausted(attempts)) {
            ErrorEntry err = new ErrorEntry(op.id(), op.operation(), op.pkg(), op.uri(), op.withAssets(), message, attempts, now, null);
            return queue.recordFailure(seen, err, with(notes, PackageEvent.failed(op, attempts, message))) ? Outcome.FAILED : Outcome.CHANGED;
        }
        Instant next = retry.nextAttempt(attempts, now);
        ErrorEntry err = new ErrorEntry(op.id(), op.operation(), op.pkg(), op.uri(), op.withAssets(), message, attempts, now, next);
        EventDraft retried = PackageEvent.retried(op, attempts, retry.maxAttempts(), message, next);
        return queue.recordRetry(seen, err, with(notes, retried)) ? Outcome.RETRYING : Outcome.CHANGED;
    }

    /**
     * Row 8: files in storage while neither queue has an entry — what an install leaves when its
     * operation entry vanished, or a stale writer. The files are removed; the event, which describes
     * a storage change rather than a queue change, is recorded in a transaction of its own.
     */
    public Report repairOrphans() {
        Map<Coordinate, Outcome> out = new LinkedHashMap<>();
        for (Coordinate c : PackageFiles.coordinatesInStorage(storage)) {
            QueueSnapshot seen = queue.read(c);
            if (seen.operation().isPresent() || seen.error().isPresent()) continue;
            PackageFiles.Inspection found = PackageFiles.inspect(storage, c);
            if (found.completeness() != Completeness.SOME) continue;
            // re-check the queue: an install enqueued since owns these files now
            if (queue.read(c).operation().isPresent()) continue;
            hook.at(c, "repair");
            int n = storage.deleteAll(c.storagePrefix());
            queue.record(List.of(PackageEvent.orphansRemoved(c, n)));
            out.put(c, Outcome.REPAIRED);
        }
        return new Report(out);
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ').replace('\r', ' ');
    }
}
