package dev.cairn.core.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One recorded event: {@code seq} orders all events of the cluster (it only grows), {@code time}
 * is when the writer created it, {@code type} a dotted name such as {@code package.install.queued},
 * {@code subject} what it is about (a package coordinate, a node, a deployment, a state run),
 * {@code message} one human line and {@code data} a small JSON object (may be empty).
 *
 * <p>Its JSON form, used by the API, the CLI and the forwarding sinks, is
 * {@code {"seq":42,"time":"2026-…Z","type":"node.down","subject":"node-1","message":"…","data":{…}}}.
 */
public record Event(long seq, Instant time, String type, String subject, String message, ObjectNode data) {
    public Event {
        if (data == null) data = Json.MAPPER.createObjectNode();
    }

    /** The event's JSON object (what {@link Json} writes for it). */
    @JsonValue
    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("seq", seq);
        n.put("time", time.toString());
        n.put("type", type);
        n.put("subject", subject);
        n.put("message", message);
        n.set("data", data.deepCopy());
        return n;
    }

    /** One JSON line without the trailing newline. */
    @JsonIgnore
    public String toJsonLine() {
        return Json.string(toJson());
    }

    /** Reads the JSON form back (as the CLI receives it); also what {@code Json.read(bytes, Event.class)} uses. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Event fromJson(JsonNode n) {
        if (n == null || !n.isObject() || !n.path("seq").canConvertToLong() || !n.path("time").isTextual()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "not an event: " + n, "an event has seq, time, type, subject, message, data");
        }
        try {
            JsonNode d = n.path("data");
            return new Event(n.path("seq").asLong(), Instant.parse(n.path("time").asText()), n.path("type").asText(),
                    n.path("subject").asText(), n.path("message").asText(), d.isObject() ? (ObjectNode) d : null);
        } catch (DateTimeParseException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "event time '" + n.path("time").asText() + "' is not an ISO-8601 instant", null);
        }
    }
}
