package dev.cairn.storeetcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.store.StoreEvent;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.time.ManualScheduler;
import dev.cairn.testkit.Await;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-member etcd cluster with a member killed by SIGKILL while a client writes numbered entries:
 * no acknowledged write is lost, the client goes on with the other members, and a watch misses
 * and repeats nothing.
 */
class EtcdClusterFailureTest {
    static final int WRITES = 300;
    static final Duration WRITER_BUDGET = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    static EtcdOptions options(EtcdCluster cluster) {
        return EtcdOptions.of(cluster.endpoints()).withRequestTimeout(Duration.ofSeconds(5)).withConnectTimeout(Duration.ofSeconds(20));
    }

    /** Writes {@code value} to {@code path} until it is acknowledged (a failed attempt is not acknowledged and is tried again). */
    static void writeUntilAcknowledged(EtcdCoordinationStore store, StorePath path, String value, long deadlineNanos, AtomicInteger failures) {
        while (true) {
            try {
                store.put(path, value.getBytes(StandardCharsets.UTF_8));
                return;
            } catch (CairnException e) {
                failures.incrementAndGet();
                if (System.nanoTime() > deadlineNanos) throw e;
            }
        }
    }

    /** A writer thread: value i goes to {@code pathOf(i)}; the numbers acknowledged are recorded in order. */
    static Thread writer(EtcdCoordinationStore store, java.util.function.IntFunction<StorePath> pathOf, List<Integer> acknowledged,
                         AtomicInteger failures, List<Throwable> errors) {
        long deadline = System.nanoTime() + WRITER_BUDGET.toNanos();
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; i < WRITES; i++) {
                    writeUntilAcknowledged(store, pathOf.apply(i), "v" + i, deadline, failures);
                    acknowledged.add(i);
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        }, "numbered-writer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The index of the member that leads the cluster now. */
    static int leader(EtcdCoordinationStore store, EtcdCluster cluster) {
        Map<Long, Integer> byId = new HashMap<>();
        long leader = -1;
        for (int i = 0; i < cluster.size(); i++) {
            if (!cluster.isRunning(i)) continue;
            StatusResponse s = store.await(store.client().getMaintenanceClient().statusMember(cluster.endpoint(i)), "status");
            byId.put(s.getHeader().getMemberId(), i);
            leader = s.getLeader();
        }
        return byId.get(leader);
    }

    /** A counter or gauge from a member's Prometheus metrics (summed over its label sets). */
    static double metric(EtcdCluster cluster, int member, String name, String labelFilter) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String body = http.send(HttpRequest.newBuilder(URI.create(cluster.endpoint(member) + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double sum = 0;
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.e+]+)$").matcher(body);
            while (m.find()) {
                if (labelFilter == null || (m.group(1) != null && m.group(1).contains(labelFilter))) sum += Double.parseDouble(m.group(2));
            }
            return sum;
        }
    }

    @Test
    void acknowledgedWritesSurviveKillingTheLeaderTheClientIsWritingThrough() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.start(tmp, 3);
             EtcdCoordinationStore store = EtcdCoordinationStore.connect(options(cluster))) {
            List<Integer> acknowledged = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger failures = new AtomicInteger();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            Thread w = writer(store, i -> StorePath.of("acks", "k" + i), acknowledged, failures, errors);
            Await.until("100 acknowledged writes", Duration.ofSeconds(60), () -> acknowledged.size() >= 100 || !errors.isEmpty());

            // every write goes through the leader; with its connections to all members (round robin) the
            // client is also sending to the leader directly, as its Txn count there shows
            int victim = leader(store, cluster);
            assertTrue(metric(cluster, victim, "grpc_server_handled_total", "grpc_method=\"Txn\"") > 0, "the client talked to member " + victim);
            int before = acknowledged.size();
            cluster.kill(victim);

            w.join(WRITER_BUDGET.plusSeconds(10).toMillis());
            assertEquals(List.of(), errors, "the writer went on after the kill");
            assertEquals(WRITES, acknowledged.size(), "every write was acknowledged in the end");
            assertTrue(before < WRITES, "the kill happened mid-writes");

            // read back on the surviving members, through a new client
            try (EtcdCoordinationStore check = EtcdCoordinationStore.connect(options(cluster))) {
                List<String> names = check.children(StorePath.of("acks"));
                assertEquals(WRITES, names.size(), "no acknowledged write lost");
                for (int i : List.copyOf(acknowledged)) {
                    assertEquals("v" + i, new String(check.get(StorePath.of("acks", "k" + i)).orElseThrow().value(), StandardCharsets.UTF_8));
                }
            }
            System.out.println("member kill: " + before + " writes acknowledged before killing leader m" + victim + ", "
                    + failures.get() + " failed attempts retried, all " + WRITES + " acknowledged and read back");
        }
    }

    @Test
    void aWatchSurvivesKillingTheMemberThatServesItWithoutMissingOrRepeatingAnEvent() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.start(tmp, 3);
             EtcdCoordinationStore watching = EtcdCoordinationStore.connect(options(cluster));
             EtcdCoordinationStore writing = EtcdCoordinationStore.connect(options(cluster))) {
            int paths = 5;
            StorePath dir = StorePath.of("w");
            Map<StorePath, List<StoreEvent>> seen = new ConcurrentHashMap<>();
            // the root: one etcd watch stream, so one member serves it
            try (AutoCloseable watch = watching.watch(StorePath.ROOT,
                    e -> seen.computeIfAbsent(e.path(), p -> new CopyOnWriteArrayList<>()).add(e))) {
                List<Integer> acknowledged = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger failures = new AtomicInteger();
                List<Throwable> errors = new CopyOnWriteArrayList<>();
                Thread w = writer(writing, i -> dir.child("p" + (i % paths)), acknowledged, failures, errors);
                Await.until("80 acknowledged writes", Duration.ofSeconds(60), () -> acknowledged.size() >= 80 || !errors.isEmpty());

                int victim = -1;
                for (int i = 0; i < cluster.size(); i++) {
                    if (metric(cluster, i, "etcd_debugging_mvcc_watcher_total", null) >= 1) victim = i;
                }
                assertTrue(victim >= 0, "found the member serving the watch");
                int before = acknowledged.size();
                cluster.kill(victim);

                w.join(WRITER_BUDGET.plusSeconds(10).toMillis());
                assertEquals(List.of(), errors, "the writer went on after the kill");
                assertEquals(WRITES, acknowledged.size());
                assertTrue(before < WRITES, "the kill happened mid-writes");

                Map<StorePath, Long> finalVersion = new HashMap<>();
                for (int p = 0; p < paths; p++) finalVersion.put(dir.child("p" + p), writing.get(dir.child("p" + p)).orElseThrow().version());
                Await.until("the watch to catch up with every path", Duration.ofSeconds(30), () -> finalVersion.entrySet().stream()
                        .allMatch(e -> seen.containsKey(e.getKey()) && seen.get(e.getKey()).getLast().version() == e.getValue()));

                for (int p = 0; p < paths; p++) {
                    StorePath path = dir.child("p" + p);
                    List<StoreEvent> events = seen.get(path);
                    List<Long> versions = events.stream().map(StoreEvent::version).toList();
                    List<Long> expected = new ArrayList<>();
                    for (long v = 0; v <= finalVersion.get(path); v++) expected.add(v);
                    assertEquals(expected, versions, "every change of " + path + " exactly once, in order");
                    assertEquals(StoreEvent.Type.CREATED, events.get(0).type());
                    // every acknowledged value appears, in the order written (an attempt that failed but
                    // was applied is a change of its own, seen again when retried)
                    List<String> values = events.stream().map(e -> new String(e.data(), StandardCharsets.UTF_8)).toList();
                    int from = 0;
                    for (int i : List.copyOf(acknowledged)) {
                        if (i % paths != p) continue;
                        int found = values.subList(from, values.size()).indexOf("v" + i);
                        assertTrue(found >= 0, "v" + i + " seen on " + path + " after position " + from + ": " + values);
                        from += found + 1;
                    }
                }
                System.out.println("watch survived killing m" + victim + " after " + before + " writes; " + failures.get()
                        + " failed write attempts retried; every change of " + paths + " paths seen exactly once");
            }
        }
    }

    @Test
    void aWatchWhoseHistoryWasCompactedWhileItWasAwayReportsTheDifference() throws Exception {
        // the watching client's recovery runs on a hand-turned scheduler: the test decides when it comes back
        ManualScheduler turns = new ManualScheduler(Instant.parse("2030-01-01T00:00:00Z"));
        try (EtcdCluster cluster = EtcdCluster.start(tmp, 3);
             EtcdCoordinationStore watching = EtcdCoordinationStore.connect(options(cluster), turns.clock(), turns);
             EtcdCoordinationStore writing = EtcdCoordinationStore.connect(options(cluster))) {
            StorePath dir = StorePath.of("c");
            writing.put(dir.child("kept"), "k0".getBytes(StandardCharsets.UTF_8));
            writing.put(dir.child("updated"), "u0".getBytes(StandardCharsets.UTF_8));
            writing.put(dir.child("deleted"), "d0".getBytes(StandardCharsets.UTF_8));
            Map<StorePath, String> view = new ConcurrentHashMap<>();
            List<StoreEvent> events = new CopyOnWriteArrayList<>();
            try (AutoCloseable watch = watching.watch(StorePath.ROOT, e -> {
                events.add(e);
                if (e.type() == StoreEvent.Type.DELETED) view.remove(e.path());
                else view.put(e.path(), new String(e.data(), StandardCharsets.UTF_8));
            })) {
                int victim = -1;
                for (int i = 0; i < cluster.size(); i++) {
                    if (metric(cluster, i, "etcd_debugging_mvcc_watcher_total", null) >= 1) victim = i;
                }
                assertTrue(victim >= 0, "found the member serving the watch");
                cluster.kill(victim);
                int seenBefore = events.size();

                // while the watch is away: changes, then a compaction of the history it would resume from
                // (the cluster may be electing a new leader: a write that fails is tried again, as callers do)
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                AtomicInteger failures = new AtomicInteger();
                for (int i = 1; i <= 5; i++) writeUntilAcknowledged(writing, dir.child("updated"), "u" + i, deadline, failures);
                Await.until("the delete", Duration.ofSeconds(60), () -> writing.delete(dir.child("deleted"), StoreOp.ANY_VERSION)
                        || !writing.exists(dir.child("deleted")));
                writeUntilAcknowledged(writing, dir.child("created"), "c0", deadline, failures);
                long revision = writing.await(writing.client().getKVClient().get(EtcdKeys.bytes("/")), "read").getHeader().getRevision();
                writing.await(writing.client().getKVClient().compact(revision), "compact");

                // the watch comes back: its resume point is gone, it re-reads and reports the difference
                Await.until("the watch to report the state after the compaction", Duration.ofSeconds(30), () -> {
                    turns.advance(Duration.ofSeconds(1));
                    return "u5".equals(view.get(dir.child("updated"))) && "c0".equals(view.get(dir.child("created")))
                            && !view.containsKey(dir.child("deleted"));
                });
                assertEquals("k0", view.get(dir.child("kept")));
                List<StoreEvent> after = events.subList(seenBefore, events.size());
                assertEquals(List.of(StoreEvent.Type.UPDATED), after.stream().filter(e -> e.path().equals(dir.child("updated"))).map(StoreEvent::type).toList(),
                        "the intermediate values are compacted away: one update to the latest");
                assertTrue(after.stream().noneMatch(e -> e.path().equals(dir.child("kept"))), "nothing for what did not change: " + after);
            }
        } finally {
            turns.close();
        }
    }
}
