package dev.cairn.controller.nodes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PhiAccrualDetectorTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aSteadyNodeIsDownOnlyAfterTheTimeout() {
        PhiAccrualDetector d = new PhiAccrualDetector(Duration.ofSeconds(2), Duration.ofMillis(500));
        Instant t = T0;
        for (int i = 0; i < 50; i++) {
            for (String n : List.of("n", "o1", "o2")) d.heartbeat(n, t);
            t = t.plusMillis(500);
        }
        Instant last = t.minusMillis(500);
        for (int i = 0; i <= 6; i++) { // the rest of the cluster carries on
            d.heartbeat("o1", last.plusMillis(i * 500L));
            d.heartbeat("o2", last.plusMillis(i * 500L));
        }
        assertTrue(d.up("n", last.plusMillis(1_000)), "a 1 s stall is not a failure");
        assertTrue(d.up("n", last.plusMillis(1_900)));
        assertFalse(d.up("n", last.plusMillis(2_100)), "down just after the timeout");
        assertTrue(d.up("o1", last.plusMillis(3_100)));
        assertFalse(d.up("never", t));
    }

    @Test
    void aStallOfTheWholeHeartbeatStreamIsNotHeldAgainstTheNodes() {
        PhiAccrualDetector d = new PhiAccrualDetector(Duration.ofSeconds(2), Duration.ofMillis(500));
        Instant t = T0;
        for (int i = 0; i < 50; i++) {
            for (int n = 0; n < 100; n++) d.heartbeat("n" + n, t.plusMillis(n * 5L));
            t = t.plusMillis(500);
        }
        Instant last = t.minusMillis(500).plusMillis(495);
        // no heartbeat from anyone for 6 s (the store or this controller stalled): nobody is down
        for (int n = 0; n < 100; n++) assertTrue(d.up("n" + n, last.plusMillis(6_000)), "n" + n + " held down for a stall not its own");
        // every node really gone: down, at most MAX_FORGIVEN later than a lone failure would be
        long bound = 2_000 + PhiAccrualDetector.MAX_FORGIVEN.toMillis() + 600;
        assertFalse(d.up("n0", last.plusMillis(bound)));
        assertFalse(d.up("n99", last.plusMillis(bound)));
    }

    @Test
    void nodesStoppingWhileMostCarryOnAreJudgedOnTime() {
        PhiAccrualDetector d = new PhiAccrualDetector(Duration.ofSeconds(2), Duration.ofMillis(500));
        Instant t = T0;
        for (int i = 0; i < 50; i++) {
            for (int n = 0; n < 10; n++) d.heartbeat("n" + n, t);
            t = t.plusMillis(500);
        }
        Instant last = t.minusMillis(500);
        // four of ten stop; six carry on
        for (int i = 1; i <= 6; i++) for (int n = 4; n < 10; n++) d.heartbeat("n" + n, last.plusMillis(i * 500L));
        for (int n = 0; n < 4; n++) assertFalse(d.up("n" + n, last.plusMillis(2_100)), "n" + n + " down at the timeout");
        for (int n = 4; n < 10; n++) assertTrue(d.up("n" + n, last.plusMillis(3_100)));
    }

    @Test
    void aJitteryNodeGetsMoreSlackButIsNeverDownBeforeTheTimeout() {
        PhiAccrualDetector d = new PhiAccrualDetector(Duration.ofSeconds(2), Duration.ofMillis(500));
        Random r = new Random(7);
        System.out.println("seed 7");
        Instant t = T0;
        for (int i = 0; i < 100; i++) {
            d.heartbeat("n", t);
            t = t.plusMillis(300 + r.nextInt(700)); // 300..1000 ms
        }
        Instant last = t;
        d.heartbeat("n", last);
        assertTrue(d.up("n", last.plusMillis(1_990)));
        assertTrue(d.up("n", last.plusMillis(2_100)), "jitter widens the distribution");
        assertFalse(d.up("n", last.plusMillis(10_000)));
    }
}
