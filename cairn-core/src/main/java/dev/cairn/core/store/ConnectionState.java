package dev.cairn.core.store;

/**
 * The store connection as its clients must react to it. The policy, for every component that acts
 * on the leader's behalf: on {@link #SUSPENDED} stop acting at once (we may no longer be leader);
 * on {@link #LOST} give up leadership and every ephemeral entry; on {@link #RECONNECTED} re-read
 * state and re-check leadership before acting again.
 */
public enum ConnectionState { CONNECTED, SUSPENDED, LOST, RECONNECTED, CLOSED }
