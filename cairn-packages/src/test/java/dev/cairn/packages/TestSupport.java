package dev.cairn.packages;

import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventCodec;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.storage.FsPackageStorage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small world for processor tests: in-memory store, filesystem storage in a temp dir, events read back from the store. */
final class TestSupport {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(1));

    /** The package events recorded in the store's event log (read back from {@code /events}), oldest first. */
    static final class Events {
        private final CoordinationStore store;

        Events(CoordinationStore store) { this.store = store; }

        List<Event> all() {
            List<Event> out = new ArrayList<>();
            for (String name : store.children(EventCodec.EVENTS)) {
                StorePath p = EventCodec.EVENTS.child(name);
                byte[] data = store.get(p).orElseThrow().value();
                out.add(EventCodec.decode(p, data).orElseThrow(() -> new AssertionError("undecodable event " + p)));
            }
            out.sort(Comparator.comparingLong(Event::seq));
            return out;
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
    final PackageQueue queue = new PackageQueue(store, PackageEvents.at(Clock.fixed(T0, ZoneOffset.UTC)));
    final PackageStorage storage;
    final Events events = new Events(store);
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
        QueueSnapshot seen = queue.read(e.coordinate());
        EnqueuePlanner.Decision d = EnqueuePlanner.decide(e, seen, PackageFiles.completeness(storage, e.coordinate()));
        if (d instanceof EnqueuePlanner.Decision.Queue q && !enqueue(seen, q.entry())) {
            throw new IllegalStateException("concurrent change");
        }
        return d;
    }

    /** Writes {@code e} over {@code seen} without asking the planner (to build states), with its queued event. */
    boolean enqueue(QueueSnapshot seen, OperationEntry e) {
        PackageState now = PackageStateTable.state(java.util.Optional.of(e.operation()), seen.hasError(),
                PackageFiles.completeness(storage, e.coordinate()));
        return queue.enqueue(seen, e, PackageEvent.queued(e, now));
    }
}
