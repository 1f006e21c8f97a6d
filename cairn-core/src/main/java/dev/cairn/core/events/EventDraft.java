package dev.cairn.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.util.regex.Pattern;

/**
 * An event before it is written: everything but {@code seq} and {@code time}, which the log
 * assigns. Validated on construction, so a draft that exists is one the log will accept.
 *
 * <p>Limits (events are small store entries, not a payload channel): {@code type} is a dotted
 * lower-case name of at least two segments, at most {@value #MAX_TYPE} characters;
 * {@code subject} is non-blank, at most {@value #MAX_SUBJECT} characters; {@code message} is
 * non-blank, at most {@value #MAX_MESSAGE} characters; {@code data} is a JSON object of at most
 * {@value #MAX_DATA_BYTES} bytes encoded. No control characters in type, subject or message.
 */
public record EventDraft(String type, String subject, String message, ObjectNode data) {
    public static final int MAX_TYPE = 100;
    public static final int MAX_SUBJECT = 200;
    public static final int MAX_MESSAGE = 1000;
    public static final int MAX_DATA_BYTES = 4096;
    /** Dotted names: {@code package.install.queued}, {@code node.down}, {@code external.billing.invoice-sent}. */
    public static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)+");

    public EventDraft {
        requireType(type);
        subject = requireText("subject", subject, MAX_SUBJECT, "name what the event is about: a package, a node, a deployment");
        message = requireText("message", message, MAX_MESSAGE, "one human-readable line saying what happened");
        data = data == null ? Json.MAPPER.createObjectNode() : data.deepCopy();
        int size = Json.bytes(data).length;
        if (size > MAX_DATA_BYTES) {
            throw new CairnException(ErrorCode.TOO_LARGE, "event data is " + size + " bytes, more than " + MAX_DATA_BYTES,
                    "keep data to a few fields; put large documents elsewhere and reference them");
        }
    }

    public static EventDraft of(String type, String subject, String message) {
        return new EventDraft(type, subject, message, null);
    }

    /**
     * The draft of an event a subsystem records about its own change, made to fit the limits
     * rather than refused: control characters become spaces, overlong text is cut with "…", a blank
     * subject becomes "-" and a blank message the type, and {@code data} (a record or a map, turned
     * into a JSON object) over the limit becomes {@code {"truncated":true}}. A change is never held
     * back because its description is too long. Only an invalid {@code type} is refused (a bug).
     */
    public static EventDraft fitted(String type, String subject, String message, Object data) {
        String s = fit(subject, MAX_SUBJECT);
        String m = fit(message, MAX_MESSAGE);
        ObjectNode d = null;
        if (data != null && Json.MAPPER.valueToTree(data) instanceof ObjectNode o && !o.isEmpty()) {
            d = Json.bytes(o).length > MAX_DATA_BYTES ? Json.MAPPER.createObjectNode().put("truncated", true) : o;
        }
        return new EventDraft(type, s.isBlank() ? "-" : s, m.isBlank() ? String.valueOf(type) : m, d);
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

    /** A copy with {@code key} set in {@code data} (strings, numbers, booleans or JSON nodes). */
    public EventDraft with(String key, Object value) {
        ObjectNode d = data.deepCopy();
        d.set(key, value instanceof JsonNode j ? j : Json.MAPPER.valueToTree(value));
        return new EventDraft(type, subject, message, d);
    }

    static void requireType(String type) {
        if (type == null || type.isBlank()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "event type is missing", "give a dotted name such as 'external.backup.finished'");
        }
        if (type.length() > MAX_TYPE || !TYPE.matcher(type).matches()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "event type '" + shorten(type) + "' is not a dotted name",
                    "use lower-case segments of letters, digits, '-' or '_' joined by dots, at least two, at most "
                            + MAX_TYPE + " characters, e.g. 'external.backup.finished'");
        }
    }

    private static String requireText(String field, String value, int max, String hint) {
        if (value == null || value.isBlank()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "event " + field + " is missing", hint);
        }
        if (value.length() > max) {
            throw new CairnException(ErrorCode.TOO_LARGE, "event " + field + " is " + value.length() + " characters, more than " + max,
                    "shorten it; details belong in 'data'");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "event " + field + " contains a control character",
                        "send one line of text without newlines or tabs");
            }
        }
        return value;
    }

    static String shorten(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() > 60 ? one.substring(0, 60) + "…" : one;
    }
}
