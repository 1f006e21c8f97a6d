package dev.cairn.core.events;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.util.regex.Pattern;

/**
 * Which events a reader wants. {@code type} is a prefix on whole segments: {@code package} and
 * {@code package.*} both match {@code package.install.queued} (and {@code package} itself) but not
 * {@code packages.x}; a full name matches that type and everything below it. {@code subject}
 * matches exactly. A null field matches everything.
 */
public record EventFilter(String type, String subject) {
    public static final EventFilter ALL = new EventFilter(null, null);
    private static final Pattern TYPE_PREFIX = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*");

    public EventFilter {
        if (type != null && type.isBlank()) type = null;
        if (subject != null && subject.isEmpty()) subject = null;
        if (type != null) {
            if (type.endsWith(".*")) type = type.substring(0, type.length() - 2);
            if (type.length() > EventDraft.MAX_TYPE || !TYPE_PREFIX.matcher(type).matches()) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "type filter '" + EventDraft.shorten(type) + "' is not a dotted name or prefix",
                        "filter with a type like 'node.down', or a prefix like 'package' or 'package.*'");
            }
        }
    }

    public static EventFilter type(String type) { return new EventFilter(type, null); }

    public boolean matches(Event e) {
        if (subject != null && !subject.equals(e.subject())) return false;
        if (type == null) return true;
        String t = e.type();
        return t.equals(type) || (t.startsWith(type) && t.charAt(type.length()) == '.');
    }

    public boolean matchesAll() { return type == null && subject == null; }
}
