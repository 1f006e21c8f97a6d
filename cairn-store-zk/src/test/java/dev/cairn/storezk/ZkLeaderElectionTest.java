package dev.cairn.storezk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.store.LeaderElection;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

class ZkLeaderElectionTest {
    static void await(BooleanSupplier c, Duration max, String what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void oneLeaderAndTakeoverWithAHigherEpoch() throws Exception {
        try (TestingServer server = new TestingServer(true);
             ZkCoordinationStore a = ZkCoordinationStore.connect(server.getConnectString());
             ZkCoordinationStore b = ZkCoordinationStore.connect(server.getConnectString())) {
            CopyOnWriteArrayList<Long> epochs = new CopyOnWriteArrayList<>();
            LeaderElection ea = a.leaderElection("controllers", "a");
            LeaderElection eb = b.leaderElection("controllers", "b");
            LeaderElection.Listener record = new LeaderElection.Listener() {
                public void acquired(long epoch) { epochs.add(epoch); }
                public void lost() {}
            };
            ea.addListener(record);
            eb.addListener(record);
            ea.start();
            await(ea::isLeader, Duration.ofSeconds(10), "a to lead");
            eb.start();
            Thread.sleep(300);
            assertFalse(eb.isLeader(), "only one leader");
            assertEquals("a", eb.leaderId().orElseThrow());
            long first = ea.epoch();

            // the leader's session ends, as when its process dies
            a.close();
            await(eb::isLeader, Duration.ofSeconds(20), "b to take over");
            assertTrue(eb.epoch() > first, "epochs grow: " + epochs);
            eb.close();
            ea.close();
        }
    }
}
