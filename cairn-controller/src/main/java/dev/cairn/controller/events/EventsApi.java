package dev.cairn.controller.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.controller.http.Reply;
import dev.cairn.controller.http.Request;
import dev.cairn.controller.http.Router;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.events.Event;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventFilter;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.events.EventPage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/events}: query ({@code GET ?type=&subject=&since=&limit=} →
 * {@code {"events":[…],"next":SEQ}}), stream ({@code GET /api/v1/events/stream}, server-sent
 * events resumable with {@code Last-Event-ID} or {@code ?since=}), and write
 * ({@code POST}, for outside software; types under {@code external.}).
 */
public final class EventsApi {
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    /** Largest body {@code POST /api/v1/events} reads. */
    public static final int MAX_BODY = 16 * 1024;
    private static final Set<String> FIELDS = Set.of("type", "subject", "message", "data");

    /** {@code GET /api/v1/events}: the events read, oldest first, and the cursor to continue from. */
    public record Page(List<Event> events, long next) {}

    private EventsApi() {}

    public static void register(Router r, EventLog log) {
        register(r, log, DEFAULT_HEARTBEAT);
    }

    public static void register(Router r, EventLog log, Duration heartbeat) {
        r.get("/api/v1/events", req -> Reply.ok(query(log, req)));
        r.get("/api/v1/events/stream", req -> stream(log, req, heartbeat));
        r.post("/api/v1/events", req -> new Reply.JsonReply(201, log.append(draft(req.bytes(MAX_BODY)))));
    }

    private static Page query(EventLog log, Request req) {
        EventFilter filter = filter(req);
        int limit = (int) number(req.query("limit"), "limit", EventLog.DEFAULT_LIMIT);
        if (limit < 1 || limit > EventLog.MAX_LIMIT) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "limit " + limit + " is out of range", "ask for 1 to " + EventLog.MAX_LIMIT + " events");
        }
        Optional<String> since = req.query("since");
        EventPage page = since.isPresent() ? log.after(filter, number(since, "since", 0), limit) : log.latest(filter, limit);
        return new Page(page.events(), page.cursor());
    }

    private static Reply stream(EventLog log, Request req, Duration heartbeat) {
        EventFilter filter = filter(req);
        Optional<String> lastId = req.header("Last-Event-ID").filter(s -> !s.isBlank());
        long since = lastId.isPresent() ? number(lastId, "Last-Event-ID", 0)
                : req.query("since").isPresent() ? number(req.query("since"), "since", 0) : log.headSeq();
        return new Reply.StreamReply(200, "text/event-stream; charset=utf-8", new EventStream(log, filter, since, heartbeat));
    }

    private static EventFilter filter(Request req) {
        return new EventFilter(req.query("type").orElse(null), req.query("subject").orElse(null));
    }

    private static long number(Optional<String> value, String name, long dflt) {
        if (value.isEmpty() || value.get().isBlank()) return dflt;
        try {
            long n = Long.parseLong(value.get().trim());
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CairnException(ErrorCode.INVALID_INPUT, name + " '" + shorten(value.get()) + "' is not a non-negative number",
                name.equals("limit") ? "ask for 1 to " + EventLog.MAX_LIMIT + " events" : "give an event seq, e.g. the 'id' of the last event you saw");
    }

    /** Validates a {@code POST /api/v1/events} body into a draft. */
    static EventDraft draft(byte[] body) {
        if (body.length == 0) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "request body is empty",
                    "send {\"type\":\"external.<what>\",\"subject\":\"…\",\"message\":\"…\",\"data\":{…}}");
        }
        JsonNode n = Json.tree(body);
        if (!n.isObject()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "an event must be a JSON object", "send {\"type\",\"subject\",\"message\",\"data\"}");
        }
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "unknown event field '" + shorten(f) + "'",
                        "send only type, subject, message and data; the log assigns seq and time");
            }
        }
        String type = text(n, "type");
        if (type != null && !type.startsWith("external.")) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "event type '" + shorten(type) + "' is not under 'external.'",
                    "outside software logs types like 'external.<system>.<what>', e.g. 'external.billing.invoice-sent'");
        }
        JsonNode data = n.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "event data must be a JSON object", "send \"data\": {\"key\": \"value\"} or leave it out");
        }
        return new EventDraft(type, text(n, "subject"), text(n, "message"), data == null || data.isNull() ? null : (ObjectNode) data);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "event " + field + " must be a string", "send \"" + field + "\": \"…\"");
        }
        return v.asText();
    }

    private static String shorten(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() > 60 ? one.substring(0, 60) + "…" : one;
    }
}
