package dev.cairn.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ThrowingRunnable;

/**
 * The one way tests wait for something that happens on another thread or process: Awaitility,
 * with a message saying what was awaited. Polls every 50 ms;
 * exceptions thrown while polling count as "not yet" (the last one is reported on timeout).
 */
public final class Await {
    private Await() {}

    /** A condition factory named after what is awaited, with the given timeout. */
    public static ConditionFactory await(String what, Duration timeout) {
        return Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions();
    }

    /** Waits until {@code condition} is true; fails naming {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, Callable<Boolean> condition) {
        await(what, timeout).until(condition);
    }

    /** Waits until {@code assertion} passes; fails with its last assertion error after {@code timeout}. */
    public static void untilAsserted(String what, Duration timeout, ThrowingRunnable assertion) {
        await(what, timeout).untilAsserted(assertion);
    }

    /** Waits until {@code value} gives a non-null result and returns it. */
    public static <T> T value(String what, Duration timeout, Supplier<T> value) {
        return await(what, timeout).until(value::get, v -> v != null);
    }
}
