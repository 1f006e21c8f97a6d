package dev.cairn.controller.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.controller.events.StoreEventLog;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.events.EventPage;
import dev.cairn.core.store.InMemoryCoordinationStore;
import dev.cairn.packages.Completion;
import dev.cairn.packages.OperationTicket;
import dev.cairn.packages.PackageService;
import dev.cairn.packages.StepHook;
import dev.cairn.packages.archive.PackageBuilder;
import dev.cairn.packages.universe.UriFetcher;
import dev.cairn.storage.FsPackageStorage;
import dev.cairn.testkit.Await;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The package queues write their changes with their events through the controller's store-backed event log. */
class PackageEventLogTest {
    @TempDir Path dir;
    InMemoryCoordinationStore store;
    StoreEventLog log;
    PackageService packages;
    ExecutorService pool;

    @BeforeEach
    void setUp() {
        store = new InMemoryCoordinationStore();
        // the log's poller looks only once an hour: a reader is woken by this log's own writes or not at all
        log = new StoreEventLog(store, Clock.systemUTC(), Duration.ofHours(1));
        packages = new PackageService(store, new FsPackageStorage(dir.resolve("storage")), log, UriFetcher.DEFAULT,
                PackageService.Config.DEFAULT, Clock.systemUTC());
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
        log.close();
        store.close();
    }

    private OperationTicket add(String name) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src-" + name));
        Files.writeString(src.resolve("package.yaml"), "name: " + name + "\nversion: 1.0.0\ndescription: a test package\n");
        Files.writeString(src.resolve("run.sh"), "echo " + name + "\n");
        Path archive = dir.resolve(name + ".zip");
        PackageBuilder.build(src, archive);
        try (InputStream in = Files.newInputStream(archive)) {
            return packages.add(in, Optional.empty());
        }
    }

    /** Starts a reader waiting for package events after {@code since}, and returns once it waits. */
    private Future<EventPage> waitForPackageEvents(long since) {
        AtomicReference<Thread> reader = new AtomicReference<>();
        Future<EventPage> page = pool.submit(() -> {
            reader.set(Thread.currentThread());
            return log.poll(EventFilter.type("package"), since, 10, Duration.ofMinutes(5));
        });
        Await.until("the reader to wait for events", Duration.ofSeconds(10),
                () -> reader.get() != null && reader.get().getState() == Thread.State.TIMED_WAITING);
        return page;
    }

    @Test
    void eachQueueChangeIsLoggedWithItsEventAndWakesWaitingReadersAtOnce() throws Exception {
        Future<EventPage> queued = waitForPackageEvents(log.headSeq());
        OperationTicket t = add("hello");
        // the reader would wait five minutes for the hourly poller: only the log's own write can wake it
        List<Event> first = queued.get(30, TimeUnit.SECONDS).events();
        assertEquals(List.of("package.queued"), first.stream().map(Event::type).toList());
        Event q = first.get(0);
        assertEquals("hello@1.0.0", q.subject());
        assertEquals("CLI_INSTALL", q.data().get("operation").asText());
        assertEquals(t.id(), q.data().get("operationId").asText());
        assertEquals(2, q.data().get("row").asInt());
        assertEquals("CLI Install Pending", q.data().get("state").asText());

        Future<EventPage> processed = waitForPackageEvents(q.seq());
        Future<Completion> done = pool.submit(() -> packages.await(t, Duration.ofMinutes(5)));
        packages.newProcessor(StepHook.NONE).processOnce(java.time.Instant.now());
        Event p = processed.get(30, TimeUnit.SECONDS).events().get(0);
        assertEquals("package.processed", p.type());
        assertEquals("CLI Install of hello@1.0.0 succeeded", p.message());
        assertEquals(16, p.data().get("row").asInt());
        assertEquals("hello", p.data().get("name").asText());
        // the request waiting for the operation is woken by the store watch on its queue entry
        Completion c = done.get(30, TimeUnit.SECONDS);
        assertEquals(Completion.Status.SUCCEEDED, c.status());
        assertEquals(16, c.state().row());

        // a request that is refused changes nothing and records nothing
        assertEquals(dev.cairn.core.ErrorCode.CONFLICT,
                org.junit.jupiter.api.Assertions.assertThrows(dev.cairn.core.CairnException.class, () -> add("hello")).code());
        assertEquals(List.of("package.queued", "package.processed"),
                log.after(EventFilter.ALL, 0, 100).events().stream().map(Event::type).toList());
    }

    @Test
    void awaitAnswersPendingWhenTheTimeIsUp() throws Exception {
        OperationTicket t = add("slow");
        Completion c = packages.await(t, Duration.ofMillis(200));
        assertEquals(Completion.Status.PENDING, c.status());
        assertEquals(2, c.state().row());
    }
}
