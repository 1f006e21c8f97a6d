package dev.cairn.core.store;

import java.util.Optional;

/**
 * Leader election among controllers. At most one participant is leader at a time; each new
 * leadership gets an epoch strictly greater than any before it, which work carries so that stale
 * leaders' actions can be refused.
 */
public interface LeaderElection extends AutoCloseable {
    void start();

    boolean isLeader();

    /** The epoch of this participant's current leadership, or -1 when not leader. */
    long epoch();

    /** The id of the current leader, if known. */
    Optional<String> leaderId();

    void addListener(Listener listener);

    @Override
    void close();

    interface Listener {
        void acquired(long epoch);

        void lost();
    }
}
