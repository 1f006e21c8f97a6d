package dev.cairn.packages;

import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.storage.FsPackageStorage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small world for processor tests: in-memory store, filesystem storage in a temp dir, recorded events. */
final class TestSupport {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(1));

    record Event(String type, String subject, String message, Map<String, Object> data) {}

    static final class Events implements PackageEvents {
        final List<Event> all = new ArrayList<>();

        @Override
        public synchronized void emit(String type, String subject, String message, Map<String, Object> data) {
            all.add(new Event(type, subject, message, data));
        }

        synchronized List<String> types() {
            return all.stream().map(Event::type).toList();
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
    final PackageQueue queue = new PackageQueue(store);
    final PackageStorage storage;
    final Events events = new Events();
    final FakeSource source = new FakeSource();

    TestSupport(Path dir) {
        storage = new FsPackageStorage(dir.resolve("storage"));
        source.with("hello", "package.yaml", "name: hello\nversion: 1.0.0\ndescription: hi\n", "bin/run.sh", "echo hi\n", "conf/a.conf", "a=1\n");
        source.with("world", "package.json", "{\"name\":\"world\"}", "config.json", "{}");
    }

    PackageProcessor processor(StepHook hook) {
        return new PackageProcessor(queue, storage, source, source, events, RETRY, hook);
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
        if (d instanceof EnqueuePlanner.Decision.Queue q && !queue.enqueue(seen, q.entry())) {
            throw new IllegalStateException("concurrent change");
        }
        return d;
    }
}
