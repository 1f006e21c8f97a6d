package dev.cairn.controller.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A forgiving front to the log: {@link #draft} makes an event fit — control characters become
 * spaces, overlong text is cut with "…", oversized data is replaced by {@code {"truncated":true}}
 * — for the subsystems that write events inside their own transactions (deployments, state runs,
 * instances); {@link #emit} appends one on its own and never throws (an invalid type or a store
 * outage drops the event with a warning).
 *
 * <p>Events appended here are their own transaction. Where an event describes a store change,
 * write it with the change instead ({@link EventLog#transact} or {@link EventLog#appendOp}).
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
     * forgiving way (for events written inside a caller's own transaction). Throws
     * IllegalArgumentException only for an invalid type.
     */
    public static EventDraft draft(String type, String subject, String message, Map<String, ?> data) {
        String s = fit(subject, EventDraft.MAX_SUBJECT);
        String m = fit(message, EventDraft.MAX_MESSAGE);
        ObjectNode d = null;
        if (data != null && !data.isEmpty()) {
            JsonNode tree = Json.MAPPER.valueToTree(data);
            d = tree instanceof ObjectNode o ? o : null;
            if (d != null && Json.bytes(d).length > EventDraft.MAX_DATA_BYTES) {
                d = Json.MAPPER.createObjectNode().put("truncated", true);
            }
        }
        return new EventDraft(type, s.isBlank() ? "-" : s, m.isBlank() ? String.valueOf(type) : m, d);
    }

    private static String fit(String text, int max) {
        if (text == null) return "";
        StringBuilder sb = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        String one = sb.toString().strip();
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }
}
