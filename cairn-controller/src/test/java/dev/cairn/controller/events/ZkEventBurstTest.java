package dev.cairn.controller.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.events.EventPage;
import dev.cairn.storezk.ZkCoordinationStore;
import dev.cairn.testkit.Await;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * 10,000 events from four concurrent writers (three in 100-event transactions, one event per
 * transaction) on ZooKeeper, read at the same time by a follower on another client: nothing lost,
 * nothing twice, seq strictly increasing.
 */
class ZkEventBurstTest {
    static final int BATCH_WRITERS = 3;
    static final int BATCHES = 30;
    static final int BATCH = 100;
    static final int SINGLES = 1000;
    static final int TOTAL = BATCH_WRITERS * BATCHES * BATCH + SINGLES;

    @Test
    void tenThousandEventsWithoutLossOrDuplicates() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ZkCoordinationStore writerStore = ZkCoordinationStore.connect(zk.getConnectString());
             ZkCoordinationStore readerStore = ZkCoordinationStore.connect(zk.getConnectString());
             StoreEventLog writer = new StoreEventLog(writerStore, Clock.systemUTC());
             StoreEventLog reader = new StoreEventLog(readerStore, Clock.systemUTC())) {
            List<Long> followed = new CopyOnWriteArrayList<>();
            ConcurrentLinkedQueue<Event> written = new ConcurrentLinkedQueue<>();
            try (AutoCloseable sub = reader.subscribe(EventFilter.ALL, 0, e -> followed.add(e.seq()));
                 ExecutorService pool = Executors.newFixedThreadPool(BATCH_WRITERS + 1)) {
                List<Future<?>> jobs = new ArrayList<>();
                for (int w = 0; w < BATCH_WRITERS; w++) {
                    int id = w;
                    jobs.add(pool.submit(() -> {
                        for (int b = 0; b < BATCHES; b++) {
                            List<EventDraft> drafts = new ArrayList<>();
                            for (int i = 0; i < BATCH; i++) drafts.add(EventDraft.of("test.burst", "w" + id + "-" + (b * BATCH + i), "burst"));
                            List<Event> got = writer.appendAll(drafts);
                            for (int i = 1; i < got.size(); i++) assertTrue(got.get(i).seq() > got.get(i - 1).seq(), "in list order");
                            written.addAll(got);
                        }
                    }));
                }
                jobs.add(pool.submit(() -> {
                    for (int i = 0; i < SINGLES; i++) written.add(writer.append(EventDraft.of("test.single", "s-" + i, "single")));
                }));
                for (Future<?> j : jobs) j.get();
                Await.until("the follower to see every event", Duration.ofMinutes(3), () -> followed.size() >= TOTAL);
            }

            // every append got its own seq, 1..TOTAL (nothing else touches /events here)
            Set<Long> seqs = new HashSet<>();
            Set<String> subjects = new HashSet<>();
            for (Event e : written) {
                seqs.add(e.seq());
                subjects.add(e.subject());
            }
            assertEquals(TOTAL, written.size());
            assertEquals(TOTAL, seqs.size(), "no seq given twice");
            assertEquals(TOTAL, subjects.size());
            for (long s = 1; s <= TOTAL; s++) assertTrue(seqs.contains(s), "seq " + s);

            // the follower saw each exactly once, in order
            assertEquals(TOTAL, followed.size(), "follower saw every event");
            for (int i = 0; i < followed.size(); i++) assertEquals(i + 1, followed.get(i));

            // and a paged query on the reader's client returns the same events with their content
            List<Event> paged = new ArrayList<>();
            long cursor = 0;
            while (true) {
                EventPage p = reader.after(EventFilter.ALL, cursor, 1000);
                if (p.events().isEmpty()) break;
                paged.addAll(p.events());
                cursor = p.cursor();
            }
            assertEquals(TOTAL, paged.size());
            Set<String> readSubjects = new HashSet<>();
            for (Event e : paged) readSubjects.add(e.subject());
            assertEquals(subjects, readSubjects);
            assertEquals(SINGLES, reader.after(EventFilter.type("test.single"), 0, 1000).events().size());
        }
    }
}
