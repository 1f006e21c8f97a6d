package dev.cairn.packages;

import dev.cairn.core.events.Event;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.storage.FsPackageStorage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small world for processor tests: in-memory store, filesystem storage in a temp dir, events read back from the store. */
final class TestSupport {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(1));

    /** The package events recorded in the store's event log (read back from {@code /events}), oldest first. */
    static final class Events {
        private final TestEventLog log;

        Events(TestEventLog log) { this.log = log; }

        List<Event> all() {
            return log.all();
        }

        List<String> types() {
            return all().stream().map(Event::type).toList();
        }

        /** Types of the events about {@code subject}, oldest first. */
        List<String> types(String subject) {
            return all().stream().filter(e -> e.subject().equals(subject)).map(Event::type).toList();
        }

        long count(String type) {
            return all().stream().filter(e -> e.type().equals(type)).count();
        }
    }

    /** An install source serving fixed files per package name, that can be told to fail. */
    static final class FakeSource implements InstallSource {
        final Map<String, Map<String, String>> files = new LinkedHashMap<>();
        RuntimeException failWith;
        int calls;

        FakeSource with(String name, String... pathAndContent) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < pathAndContent.length; i += 2) m.put(pathAndContent[i], pathAndContent[i + 1]);
            files.put(name, m);
            return this;
        }

        @Override
        public void writeFiles(OperationEntry op, FileSink sink) {
            calls++;
            Map<String, String> m = files.get(op.pkg().name());
            if (m == null) throw new dev.cairn.core.CairnException(dev.cairn.core.ErrorCode.NOT_FOUND, "no package " + op.pkg().name(), null);
            for (var e : m.entrySet()) {
                if (failWith != null && e.getKey().equals("fail-here")) throw failWith;
                sink.put(e.getKey(), new ByteArrayInputStream(e.getValue().getBytes(StandardCharsets.UTF_8)));
            }
            if (failWith != null) throw failWith;
        }
    }

    final InMemoryCoordinationStore store = new InMemoryCoordinationStore();
    final TestEventLog log = new TestEventLog(store, Clock.fixed(T0, ZoneOffset.UTC));
    final PackageQueue queue = new PackageQueue(store, log);
    final PackageStorage storage;
    final Events events = new Events(log);
    final FakeSource source = new FakeSource();
    /** Where CLI Installs come from: the fake source, unless a test stages real uploads. */
    InstallSource archives = source;

    TestSupport(Path dir) {
        storage = new FsPackageStorage(dir.resolve("storage"));
        source.with("hello", "package.yaml", "name: hello\nversion: 1.0.0\ndescription: hi\n", "bin/run.sh", "echo hi\n", "conf/a.conf", "a=1\n");
        source.with("world", "package.json", "{\"name\":\"world\"}", "config.json", "{}");
    }

    PackageProcessor processor(StepHook hook) {
        return new PackageProcessor(queue, storage, source, archives, RETRY, hook);
    }

    static OperationEntry op(OperationType t, String name, String version, String id) {
        return new OperationEntry(id, t, new PackageRef(name, version, t == OperationType.UNIVERSE_INSTALL ? "universe" : null),
                null, false, T0);
    }

    PackageState state(Coordinate c) {
        return queue.read(c).state(PackageFiles.completeness(storage, c));
    }

    /** Enqueues through the planner, as the service does; returns the refusal if any. */
    EnqueuePlanner.Decision enqueue(OperationEntry e) {
        try {
            return queue.enqueue(e.coordinate(), seen -> {
                EnqueuePlanner.Decision d = EnqueuePlanner.decide(e, seen, PackageFiles.completeness(storage, e.coordinate()));
                if (d instanceof EnqueuePlanner.Decision.Refuse r) throw new Refused(r);
                return admit(e, seen, ((EnqueuePlanner.Decision.Queue) d).entry(), d);
            });
        } catch (Refused r) {
            return r.decision;
        }
    }

    /** A refusal carried out of the queue's decision (which refuses by throwing). */
    private static final class Refused extends RuntimeException {
        final EnqueuePlanner.Decision.Refuse decision;

        Refused(EnqueuePlanner.Decision.Refuse decision) {
            super(decision.error().getMessage(), null, false, false);
            this.decision = decision;
        }
    }

    /** Writes {@code e} into the queue without asking the planner (to build states), with its queued event. */
    void enqueueAnyway(OperationEntry e) {
        queue.enqueue(e.coordinate(), seen -> admit(e, seen, e, null));
    }

    private <A> PackageQueue.Admission<A> admit(OperationEntry request, QueueView seen, OperationEntry entry, A answer) {
        PackageState now = PackageStateTable.state(java.util.Optional.of(request.operation()), seen.hasError(),
                PackageFiles.completeness(storage, request.coordinate()));
        return new PackageQueue.Admission<>(entry, PackageEvent.queued(request, now), answer);
    }
}
