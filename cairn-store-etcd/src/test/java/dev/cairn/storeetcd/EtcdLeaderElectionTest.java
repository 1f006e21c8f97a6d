package dev.cairn.storeetcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.store.ConnectionState;
import dev.cairn.core.store.LeaderElection;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.time.ManualScheduler;
import dev.cairn.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader election and the session on a real etcd: one leader, takeover with a greater epoch when
 * the leader's client closes or its lease ends, and the connection states a member outage gives.
 */
class EtcdLeaderElectionTest {
    static final Duration TTL = Duration.ofSeconds(2);

    @TempDir
    Path tmp;
    EtcdCluster etcd;

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdCluster.start(tmp, 1);
    }

    @AfterEach
    void stop() {
        if (etcd != null) etcd.close();
    }

    /** Records what an election tells its listeners. */
    static final class Recorder implements LeaderElection.Listener {
        final List<Long> acquired = new CopyOnWriteArrayList<>();
        final List<Boolean> lost = new CopyOnWriteArrayList<>();

        @Override
        public void acquired(long epoch) { acquired.add(epoch); }

        @Override
        public void lost() { lost.add(true); }
    }

    EtcdOptions options() {
        return EtcdOptions.of(etcd.endpoints()).withSessionTimeout(TTL);
    }

    @Test
    void oneLeaderAndTakeoverWithAHigherEpochWhenTheLeaderCloses() {
        try (EtcdCoordinationStore a = EtcdCoordinationStore.connect(options());
             EtcdCoordinationStore b = EtcdCoordinationStore.connect(options())) {
            Recorder ra = new Recorder();
            Recorder rb = new Recorder();
            LeaderElection ea = a.leaderElection("controllers", "a");
            LeaderElection eb = b.leaderElection("controllers", "b");
            ea.addListener(ra);
            eb.addListener(rb);
            ea.start();
            Await.until("a to lead", Duration.ofSeconds(10), ea::isLeader);
            eb.start();
            Await.until("b to be a candidate", Duration.ofSeconds(10),
                    () -> b.children(StorePath.of("leader", "controllers", "latch")).size() == 2);
            assertFalse(eb.isLeader(), "only one leader");
            assertEquals(List.of(), rb.acquired, "b never acquired while a leads");
            assertEquals("a", eb.leaderId().orElseThrow());
            long first = ea.epoch();
            assertEquals(List.of(first), ra.acquired);

            // the leader's client ends, as when its process exits: its lease is revoked, b takes over at once
            a.close();
            Await.until("b to take over", Duration.ofSeconds(10), eb::isLeader);
            assertTrue(eb.epoch() > first, "epochs grow: " + first + " then " + eb.epoch());
            assertFalse(ea.isLeader());
            assertEquals(List.of(true), ra.lost, "a was told it lost");
            assertEquals("b", eb.leaderId().orElseThrow());
            assertEquals(Long.toString(eb.epoch()),
                    new String(b.get(StorePath.of("leader", "controllers", "epoch")).orElseThrow().value(), StandardCharsets.UTF_8));
            eb.close();
            assertFalse(eb.isLeader());
            assertEquals(List.of(true), rb.lost, "closing the election ends leadership and says so");
        }
    }

    @Test
    void aLeaderWhoseLeaseTheClusterEndsStopsAtOnceAndAnotherTakesOver() {
        try (EtcdCoordinationStore a = EtcdCoordinationStore.connect(options());
             EtcdCoordinationStore b = EtcdCoordinationStore.connect(options())) {
            Recorder ra = new Recorder();
            List<ConnectionState> statesOfA = new CopyOnWriteArrayList<>();
            a.addConnectionListener(statesOfA::add);
            LeaderElection ea = a.leaderElection("group", "a");
            LeaderElection eb = b.leaderElection("group", "b");
            ea.addListener(ra);
            ea.start();
            Await.until("a to lead", Duration.ofSeconds(10), ea::isLeader);
            eb.start();
            long first = ea.epoch();

            // the cluster ends a's lease (as it does when a's keep-alives stop arriving)
            b.await(b.client().getLeaseClient().revoke(a.session().leaseId()), "revoke");

            Await.until("a to hear its lease is gone and stop leading", Duration.ofSeconds(10), () -> !ea.isLeader() && ra.lost.size() == 1);
            Await.until("b to take over", Duration.ofSeconds(10), eb::isLeader);
            assertTrue(eb.epoch() > first, "epochs grow");
            Await.until("a to get a new session", Duration.ofSeconds(10), () -> statesOfA.contains(ConnectionState.RECONNECTED));
            assertEquals(List.of(ConnectionState.LOST, ConnectionState.RECONNECTED), statesOfA);
            // a is a candidate again, behind b
            Await.until("a to be a candidate again", Duration.ofSeconds(10),
                    () -> a.children(StorePath.of("leader", "group", "latch")).size() == 2);
            assertFalse(ea.isLeader());
            assertEquals("b", ea.leaderId().orElseThrow());
            ea.close();
            eb.close();
        }
    }

    @Test
    void aPausedLeaderIsFencedByTheEpochAndStopsWhenItRunsAgain() {
        // a's session loop runs only when the test turns its clock: a is a process that stopped (a long GC pause)
        ManualScheduler paused = new ManualScheduler(Instant.parse("2030-01-01T00:00:00Z"));
        try (EtcdCoordinationStore a = EtcdCoordinationStore.connect(options(), paused.clock(), paused);
             EtcdCoordinationStore b = EtcdCoordinationStore.connect(options())) {
            Recorder ra = new Recorder();
            LeaderElection ea = a.leaderElection("group", "a");
            LeaderElection eb = b.leaderElection("group", "b");
            ea.addListener(ra);
            ea.start();
            Await.until("a to lead", Duration.ofSeconds(10), ea::isLeader);
            long first = ea.epoch();
            eb.start();

            // no keep-alive from a: the cluster expires its lease after the TTL and b is elected
            Await.until("b to take over from the silent a", Duration.ofSeconds(20), eb::isLeader);
            assertTrue(eb.epoch() > first, "b's epoch fences a's work");

            // a runs again: its first turn learns the lease is gone, and it stops leading
            paused.advance(TTL.plusSeconds(1));
            Await.until("a to stop leading", Duration.ofSeconds(10), () -> !ea.isLeader() && ra.lost.size() == 1);
            assertEquals(List.of(first), ra.acquired);
            assertTrue(eb.isLeader());
            ea.close();
            eb.close();
        } finally {
            paused.close();
        }
    }

    @Test
    void aMemberOutageIsSuspendedThenLostAndTheSessionComesBackWithoutItsEphemerals() throws Exception {
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        try (EtcdCoordinationStore a = EtcdCoordinationStore.connect(options().withRequestTimeout(Duration.ofSeconds(2)))) {
            a.addConnectionListener(states::add);
            StorePath mine = StorePath.of("nodes", "a");
            a.createEphemeral(mine, "a".getBytes(StandardCharsets.UTF_8));

            etcd.kill(0);
            Await.until("SUSPENDED then LOST", Duration.ofSeconds(20), () -> states.contains(ConnectionState.LOST));
            assertEquals(List.of(ConnectionState.SUSPENDED, ConnectionState.LOST), states);

            etcd.restart(0);
            Await.until("RECONNECTED with a new session", Duration.ofSeconds(30), () -> states.contains(ConnectionState.RECONNECTED));
            assertEquals(List.of(ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.RECONNECTED), states);
            assertTrue(a.get(mine).isEmpty(), "the lost session's ephemeral entry is gone, though the restarted member kept its lease");
            assertTrue(a.createEphemeral(mine, "again".getBytes(StandardCharsets.UTF_8)).isPresent());
        }
        assertEquals(ConnectionState.CLOSED, states.get(states.size() - 1));
    }
}
