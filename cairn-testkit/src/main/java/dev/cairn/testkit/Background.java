package dev.cairn.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A call running on a thread of its own, for tests of calls that block until something happens (a
 * long-poll): {@link #awaitBlocked} waits until the call is parked waiting, so what the test does
 * next happens while it waits, and {@link #get} takes its result.
 */
public final class Background<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final Thread thread;

    private Background(String name, Callable<T> call) {
        this.thread = Thread.ofPlatform().daemon().name(name).start(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
    }

    /** Starts {@code call} on a thread named {@code name}. */
    public static <T> Background<T> start(String name, Callable<T> call) {
        return new Background<>(name, call);
    }

    /** Waits until the call is parked (waiting with a timeout), failing if it finished instead. */
    public Background<T> awaitBlocked(Duration timeout) {
        Await.until(thread.getName() + " to block", timeout, () -> {
            if (result.isDone()) throw new AssertionError(thread.getName() + " finished instead of blocking: " + result);
            return thread.getState() == Thread.State.TIMED_WAITING;
        });
        return this;
    }

    public boolean isDone() {
        return result.isDone();
    }

    /** The call's result, waiting at most {@code timeout} for it. */
    public T get(Duration timeout) throws Exception {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception x) throw x;
            throw e;
        }
    }
}
