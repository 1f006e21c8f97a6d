package dev.cairn.controller.work;

import dev.cairn.controller.LeaderService;

/** Publishes the leader's epoch for agents as soon as this controller leads (see {@link WorkQueue#publishEpoch}). */
public final class EpochPublisher implements LeaderService {
    private final WorkQueue queue;

    public EpochPublisher(WorkQueue queue) {
        this.queue = queue;
    }

    @Override
    public String name() { return "work-epoch"; }

    @Override
    public void start(long epoch) {
        queue.publishEpoch(epoch);
    }

    @Override
    public void stop() {
        // nothing to undo: a later leader raises it again
    }
}
