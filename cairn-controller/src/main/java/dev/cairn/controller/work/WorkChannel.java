package dev.cairn.controller.work;

import dev.cairn.controller.LeaderService;
import dev.cairn.controller.Subsystem;
import dev.cairn.controller.http.Router;
import dev.cairn.core.store.CoordinationStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The controller→agent work channel, owned by the controller (every subsystem that sends agents
 * work uses it): the queue in the store ({@link WorkQueue}, sole owner of {@code /work},
 * {@code /work-results} and {@code /work-epoch}), the in-memory inbox that answers long-polls, the
 * agents' routes, and the leader's epoch publisher.
 */
public final class WorkChannel implements Subsystem {
    private final WorkQueue queue;
    private final WorkInbox inbox;
    private final EpochPublisher epochPublisher;

    public WorkChannel(CoordinationStore store, Clock clock) {
        this.queue = new WorkQueue(store, clock);
        this.inbox = new WorkInbox(queue);
        this.epochPublisher = new EpochPublisher(queue);
    }

    public WorkQueue queue() { return queue; }

    public WorkInbox inbox() { return inbox; }

    /**
     * Asks {@code node}'s agent something and waits for the answer: queues the item, waits up to
     * {@code timeout} for its result (a store watch wakes the wait), and takes the result. When none
     * came in time the item is withdrawn and the answer is empty.
     *
     * @param epoch the epoch to queue it with (-1: agents run it whatever the leader's epoch)
     */
    public Optional<WorkResult> request(String node, String kind, long epoch, Object payload, Duration timeout) throws InterruptedException {
        WorkItem w = queue.submit(node, kind, epoch, payload);
        Optional<WorkResult> r;
        try {
            r = queue.awaitResult(node, w.id(), timeout);
        } catch (InterruptedException | RuntimeException e) {
            queue.cancel(node, w.id());
            throw e;
        }
        // taken, or withdrawn; an item gone already was answered just now (its result is written with its removal)
        if (r.isPresent() || !queue.cancel(node, w.id())) queue.deleteResult(node, w.id());
        return r;
    }

    @Override
    public String name() { return "work"; }

    @Override
    public void routes(Router router) {
        WorkApi.register(router, queue, inbox);
    }

    /** The epoch is published before any other leader service queues work. */
    @Override
    public List<LeaderService> leaderServices() {
        return List.of(epochPublisher);
    }

    @Override
    public void close() {
        inbox.close();
    }
}
