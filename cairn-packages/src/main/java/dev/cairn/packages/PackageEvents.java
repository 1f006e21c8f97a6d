package dev.cairn.packages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.Json;
import dev.cairn.core.events.EventCodec;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.TxResult;
import java.time.Clock;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How package events reach the event log: as operations added to the very store transaction that
 * makes the queue change they describe ({@link EventCodec#appendOp}), so an event exists if and
 * only if its change does. Types: {@code package.queued}, {@code package.processed},
 * {@code package.retried}, {@code package.failed}, {@code package.aborted}, {@code package.repaired};
 * {@code subject} is the coordinate {@code name@version} (see {@link PackageEvent}).
 *
 * <p>After a transaction with events committed, {@link AfterCommit} is told (the controller wires
 * the event log's {@code committed(ops, result)} there, which wakes live followers at once; they
 * would otherwise notice within their next poll).
 */
public final class PackageEvents {
    private static final Logger LOG = Logger.getLogger(PackageEvents.class.getName());

    /** Called after a transaction carrying events committed. Must not throw (failures are logged). */
    @FunctionalInterface
    public interface AfterCommit {
        void committed(List<StoreOp> ops, TxResult result);

        AfterCommit NONE = (ops, result) -> {};
    }

    private final Clock clock;
    private final AfterCommit afterCommit;

    public PackageEvents(Clock clock, AfterCommit afterCommit) {
        this.clock = clock;
        this.afterCommit = afterCommit;
    }

    /** Events timed by {@code clock}, with no one to tell after a commit. */
    public static PackageEvents at(Clock clock) {
        return new PackageEvents(clock, AfterCommit.NONE);
    }

    /** The store operation that appends {@code e}; its time is now on the injected clock. */
    public StoreOp op(PackageEvent e) {
        return EventCodec.appendOp(draft(e), clock.instant());
    }

    /** Tells the hook about a committed transaction that carried events. */
    void committed(List<StoreOp> ops, TxResult result) {
        if (!result.committed()) return;
        try {
            afterCommit.committed(ops, result);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "after-commit hook of package events failed: " + e.getMessage(), e);
        }
    }

    /**
     * The draft of {@code e}, made to fit the log's limits rather than refused: control characters
     * become spaces, overlong text is cut with "…", data over the limit becomes {@code {"truncated":true}}.
     * A queue change is never held back because its description is too long.
     */
    static EventDraft draft(PackageEvent e) {
        String s = fit(e.subject(), EventDraft.MAX_SUBJECT);
        String m = fit(e.message(), EventDraft.MAX_MESSAGE);
        ObjectNode d = null;
        if (e.data() != null && !e.data().isEmpty()) {
            JsonNode tree = Json.MAPPER.valueToTree(e.data());
            d = tree instanceof ObjectNode o ? o : null;
            if (d != null && Json.bytes(d).length > EventDraft.MAX_DATA_BYTES) {
                d = Json.MAPPER.createObjectNode().put("truncated", true);
            }
        }
        return new EventDraft(e.type(), s.isBlank() ? "-" : s, m.isBlank() ? e.type() : m, d);
    }

    private static String fit(String text, int max) {
        if (text == null) return "";
        StringBuilder sb = new StringBuilder(Math.min(text.length(), max + 1));
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        String one = sb.toString().strip();
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }
}
