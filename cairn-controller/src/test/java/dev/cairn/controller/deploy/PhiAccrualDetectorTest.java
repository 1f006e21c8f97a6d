package dev.cairn.controller.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PhiAccrualDetectorTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aSteadyNodeIsDownOnlyAfterTheTimeout() {
        PhiAccrualDetector d = new PhiAccrualDetector(Duration.ofSeconds(2), Duration.ofMillis(500));
        Instant t = T0;
        for (int i = 0; i < 50; i++) {
            d.heartbeat("n", t);
            t = t.plusMillis(500);
        }
        Instant last = t.minusMillis(500);
        assertTrue(d.up("n", last.plusMillis(1_000)), "a 1 s stall is not a failure");
        assertTrue(d.up("n", last.plusMillis(1_900)));
        assertFalse(d.up("n", last.plusMillis(2_100)), "down just after the timeout");
        assertFalse(d.up("never", t));
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
