package dev.cairn.controller.work;

import dev.cairn.controller.LeaderService;
import dev.cairn.controller.Subsystem;
import dev.cairn.controller.http.Router;
import dev.cairn.core.store.CoordinationStore;
import java.time.Clock;
import java.util.List;

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
        this.inbox = new WorkInbox(store, queue);
        this.epochPublisher = new EpochPublisher(queue);
    }

    public WorkQueue queue() { return queue; }

    public WorkInbox inbox() { return inbox; }

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
