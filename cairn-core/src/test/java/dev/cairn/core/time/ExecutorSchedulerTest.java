package dev.cairn.core.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testkit.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The real scheduler: tasks run on virtual threads, so one that waits holds up no other; a repeating task never overlaps itself. */
class ExecutorSchedulerTest {
    @Test
    void aTaskThatWaitsHoldsUpNoOther() throws Exception {
        try (ExecutorScheduler s = new ExecutorScheduler("test", 1)) {
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Boolean> firstOnVirtualThread = new CompletableFuture<>();
            s.execute(() -> {
                firstOnVirtualThread.complete(Thread.currentThread().isVirtual());
                try {
                    release.await(); // waits, as a round waiting for the store would
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(firstOnVirtualThread.get(10, TimeUnit.SECONDS));
            CompletableFuture<String> second = new CompletableFuture<>();
            s.schedule(Duration.ofMillis(10), () -> second.complete("ran"));
            assertEquals("ran", second.get(10, TimeUnit.SECONDS), "ran while the first still waits, with one timer thread");
            release.countDown();
        }
    }

    @Test
    void aRepeatingTaskNeverOverlapsItselfKeepsRunningAfterAFailureAndStopsWhenCancelled() throws Exception {
        try (ExecutorScheduler s = new ExecutorScheduler("test", 2)) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger runs = new AtomicInteger();
            AtomicBoolean overlapped = new AtomicBoolean();
            AtomicBoolean cancelled = new AtomicBoolean();
            AtomicInteger startedAfterCancel = new AtomicInteger();
            Scheduler.Task t = s.scheduleWithFixedDelay(Duration.ZERO, Duration.ofMillis(1), () -> {
                if (cancelled.get()) startedAfterCancel.incrementAndGet();
                if (running.incrementAndGet() > 1) overlapped.set(true);
                try {
                    Thread.sleep(5); // a run that takes longer than the delay
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
                if (runs.incrementAndGet() % 2 == 0) throw new IllegalStateException("every other run fails");
            });
            Await.until("ten runs", Duration.ofSeconds(10), () -> runs.get() >= 10);
            t.cancel();
            cancelled.set(true);
            // runs come every ~6 ms: had the cancel not stopped them, 300 ms would bring dozens more
            Thread.sleep(300);
            assertTrue(startedAfterCancel.get() <= 1, "at most the run already on its way when cancelled: " + startedAfterCancel.get());
            assertFalse(overlapped.get(), "a run started while the previous one still ran");
        }
    }
}
