package dev.cairn.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.Json;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.TxResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How events sit in the coordination store: one sequential entry per event,
 * {@code /events/e-<10 digits>}, holding {@code {time,type,subject,message,data}}. The store's
 * counter for {@code /events} gives the order; {@code seq} is that counter plus one, so the first
 * event is 1 and {@code since=0} means "from the beginning". Nothing else may create or delete
 * children of {@code /events}: on ZooKeeper every child change advances the counter.
 */
public final class EventCodec {
    public static final StorePath EVENTS = StorePath.of("events");
    public static final String PREFIX = "e-";

    private EventCodec() {}

    /** The operation writing {@code draft} at {@code time}; the store assigns the seq at commit. */
    public static StoreOp.CreateSequential appendOp(EventDraft draft, Instant time) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("time", time.toString());
        n.put("type", draft.type());
        n.put("subject", draft.subject());
        n.put("message", draft.message());
        n.set("data", draft.data());
        return new StoreOp.CreateSequential(EVENTS, PREFIX, Json.bytes(n));
    }

    /** Whether {@code op} is an event append made by {@link #appendOp}. */
    public static boolean isAppend(StoreOp op) {
        return op instanceof StoreOp.CreateSequential c && c.path().equals(EVENTS) && c.name().equals(PREFIX);
    }

    /** The events a transaction of {@code ops} wrote, with their seq: empty unless it committed. */
    public static List<Event> written(List<StoreOp> ops, TxResult result) {
        if (!(result instanceof TxResult.Committed c)) return List.of();
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i) instanceof StoreOp.CreateSequential cs && isAppend(cs)) decode(c.paths().get(i), cs.data()).ifPresent(out::add);
        }
        return out;
    }

    /** The seq of an event entry's name ({@code e-0000000041} is seq 42), or empty for other names. */
    public static OptionalLong seqOf(String name) {
        if (name.length() != PREFIX.length() + 10 || !name.startsWith(PREFIX)) return OptionalLong.empty();
        for (int i = PREFIX.length(); i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(name.substring(PREFIX.length())) + 1);
    }

    public static StorePath pathOf(long seq) {
        return EVENTS.child(PREFIX + String.format("%010d", seq - 1));
    }

    /** Decodes a stored entry; empty when the entry is not an event (wrong name or unreadable). */
    public static Optional<Event> decode(StorePath path, byte[] data) {
        if (!path.parent().equals(EVENTS) || data == null) return Optional.empty();
        OptionalLong seq = seqOf(path.name());
        if (seq.isEmpty()) return Optional.empty();
        try {
            JsonNode n = Json.MAPPER.readTree(data);
            JsonNode d = n.path("data");
            return Optional.of(new Event(seq.getAsLong(), Instant.parse(n.path("time").asText()), n.path("type").asText(),
                    n.path("subject").asText(), n.path("message").asText(), d.isObject() ? (ObjectNode) d : null));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
