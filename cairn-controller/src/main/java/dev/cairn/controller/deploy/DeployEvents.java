package dev.cairn.controller.deploy;

import dev.cairn.core.CairnException;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.TxResult;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where deployments, the CPE, the DPEs and failure detection report what they change and decide.
 * Events that describe a store change (deployment applied or deleted, work sent or withdrawn, an
 * action's result taken, a service's reported state, a node marked down or up) are written in the
 * same store transaction as the change when the sink keeps its log in the store ({@link #log});
 * decisions that change nothing (a plan computed, a DPE restarted) are {@link #event appended} on
 * their own. Sinks that keep no store log (logging, a test's recorder) are told after the change
 * committed, and never about a change that did not.
 */
@FunctionalInterface
public interface DeployEvents {
    /** An event on its own (a decision or an observation that changes nothing in the store). */
    void event(String type, String subject, String message, Map<String, Object> data);

    /** Whether this sink writes events into the store, inside the change's own transaction. */
    default boolean writesToStore() { return false; }

    /** The operation that writes this event inside the caller's transaction (only when {@link #writesToStore}). */
    default StoreOp op(String type, String subject, String message, Map<String, Object> data) {
        throw new UnsupportedOperationException("this sink writes no store operations");
    }

    /** After a transaction carrying operations from {@link #op} ran (committed or not). */
    default void committed(List<StoreOp> ops, TxResult result) {}

    /** After the change an event describes committed: sinks that keep no store log take it now. */
    default void recorded(String type, String subject, String message, Map<String, Object> data) {
        if (!writesToStore()) event(type, subject, message, data);
    }

    static DeployEvents logging() {
        Logger log = LoggerFactory.getLogger("dev.cairn.deploy.events");
        return (type, subject, message, data) -> log.info("{} {}: {}", type, subject, message);
    }

    /**
     * The cluster's event log: events describing a change go into the change's transaction
     * ({@link EventLog#appendOp}, then {@link EventLog#committed} wakes followers); others are
     * appended on their own. Never throws for an event: text is made to fit the log's limits, and
     * an event that cannot be appended on its own is logged and dropped.
     */
    static DeployEvents log(EventLog log) {
        Logger logger = LoggerFactory.getLogger("dev.cairn.deploy.events");
        return new DeployEvents() {
            @Override
            public void event(String type, String subject, String message, Map<String, Object> data) {
                try {
                    log.append(draft(type, subject, message, data));
                } catch (CairnException | IllegalArgumentException e) {
                    logger.warn("event {} about {} dropped: {}", type, subject, e.getMessage());
                }
            }

            @Override
            public boolean writesToStore() { return true; }

            @Override
            public StoreOp op(String type, String subject, String message, Map<String, Object> data) {
                return log.appendOp(draft(type, subject, message, data));
            }

            @Override
            public void committed(List<StoreOp> ops, TxResult result) {
                log.committed(ops, result);
            }
        };
    }

    /** Both: e.g. the event log and a test's recorder. At most one of them may write to the store. */
    default DeployEvents and(DeployEvents other) {
        DeployEvents self = this;
        if (self.writesToStore() && other.writesToStore()) throw new IllegalArgumentException("two sinks writing to the store");
        return new DeployEvents() {
            @Override
            public void event(String type, String subject, String message, Map<String, Object> data) {
                self.event(type, subject, message, data);
                other.event(type, subject, message, data);
            }

            @Override
            public boolean writesToStore() { return self.writesToStore() || other.writesToStore(); }

            @Override
            public StoreOp op(String type, String subject, String message, Map<String, Object> data) {
                return (self.writesToStore() ? self : other).op(type, subject, message, data);
            }

            @Override
            public void committed(List<StoreOp> ops, TxResult result) {
                self.committed(ops, result);
                other.committed(ops, result);
            }

            @Override
            public void recorded(String type, String subject, String message, Map<String, Object> data) {
                self.recorded(type, subject, message, data);
                other.recorded(type, subject, message, data);
            }
        };
    }

    /**
     * A draft the log accepts: control characters become spaces, overlong text is cut with "…",
     * oversized data is replaced by {@code {"truncated":true}}.
     */
    static EventDraft draft(String type, String subject, String message, Map<String, ?> data) {
        return dev.cairn.controller.events.EventEmitter.draft(type, subject, message, data);
    }
}
