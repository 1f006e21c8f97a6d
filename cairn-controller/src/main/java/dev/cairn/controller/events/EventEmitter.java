package dev.cairn.controller.events;

import dev.cairn.core.CairnException;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A forgiving front to the log: {@link #draft} makes an event fit ({@link EventDraft#fitted}:
 * control characters become spaces, overlong text is cut with "…", oversized data is replaced by
 * {@code {"truncated":true}}) for the subsystems that write events inside their own transactions
 * (deployments, state runs, instances); {@link #emit} appends one on its own and never throws (an
 * invalid type or a store outage drops the event with a warning).
 *
 * <p>Events appended here are their own transaction. Where an event describes a store change,
 * write it with the change instead ({@link dev.cairn.core.store.Records#update} or {@link EventLog#transact}).
 */
public final class EventEmitter {
    private static final Logger LOG = LoggerFactory.getLogger(EventEmitter.class);

    private final EventLog log;

    public EventEmitter(EventLog log) {
        this.log = log;
    }

    /** Appends the event; returns it, or empty when it had to be dropped. */
    public Optional<Event> emit(String type, String subject, String message, Map<String, ?> data) {
        try {
            return Optional.of(log.append(draft(type, subject, message, data)));
        } catch (CairnException | IllegalArgumentException e) {
            LOG.warn("event {} about {} dropped: {}", type, subject, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The draft for {@code (type, subject, message, data)}, made to fit the log's limits the same
     * forgiving way ({@link EventDraft#fitted}), for events written inside a caller's own
     * transaction. Throws only for an invalid type.
     */
    public static EventDraft draft(String type, String subject, String message, Map<String, ?> data) {
        return EventDraft.fitted(type, subject, message, data);
    }
}
