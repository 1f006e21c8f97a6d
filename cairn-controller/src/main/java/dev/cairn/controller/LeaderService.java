package dev.cairn.controller;

/**
 * Work that only the leader does (package processing, the CPE, state-run coordination, garbage
 * collection). {@link #start} is called with the new epoch when this controller becomes leader;
 * {@link #stop} as soon as leadership is in doubt (connection SUSPENDED or LOST, latch lost).
 * Both must be quick and idempotent.
 */
public interface LeaderService {
    String name();

    void start(long epoch);

    void stop();
}
