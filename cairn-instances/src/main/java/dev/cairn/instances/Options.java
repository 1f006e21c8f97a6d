package dev.cairn.instances;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An instance's options: the user's JSON deep-merged over the defaults of the package's options
 * schema (objects merge; the user's scalars and arrays win), checked for hostile values, then
 * validated against the schema. {@link #resolve} reports every problem at once.
 */
public final class Options {
    /** Top-level names the templates' context takes for itself. */
    public static final Set<String> RESERVED = Set.of("cairn", "resource");
    static final int MAX_DEPTH = 32;

    private Options() {}

    /** The defaults a schema declares: {@code default} values, nested through {@code properties}. Null when none. */
    public static JsonNode defaults(JsonNode schema) {
        if (schema == null || !schema.isObject()) return null;
        JsonNode explicit = schema.has("default") ? schema.get("default").deepCopy() : null;
        JsonNode props = schema.get("properties");
        if (props == null || !props.isObject()) return explicit;
        ObjectNode nested = Json.MAPPER.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode d = defaults(e.getValue());
            if (d != null) nested.set(e.getKey(), d);
        }
        if (explicit == null) return nested.isEmpty() ? null : nested;
        return explicit.isObject() ? merge(nested, explicit) : explicit;
    }

    /** Deep merge: objects merge key by key; anything else in {@code over} replaces what {@code base} has. */
    public static JsonNode merge(JsonNode base, JsonNode over) {
        if (over == null || over.isMissingNode()) return base == null ? null : base.deepCopy();
        if (base == null || !base.isObject() || !over.isObject()) return over.deepCopy();
        ObjectNode out = ((ObjectNode) base).deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue()));
        }
        return out;
    }

    /**
     * Values a user may not pass: Mustache tags (template injection — option values are data, never
     * templates), control characters such as newlines and NUL (they would inject lines into config
     * files), reserved top-level names, and absurd nesting.
     */
    public static List<Violation> hostile(JsonNode user) {
        List<Violation> out = new ArrayList<>();
        if (user.isObject()) {
            for (String r : RESERVED) {
                if (user.has(r)) out.add(new Violation(Violation.child("$", r), "is reserved for what Cairn gives the templates", null));
            }
        }
        walk(user, "$", 0, out);
        return out;
    }

    private static void walk(JsonNode n, String path, int depth, List<Violation> out) {
        if (depth > MAX_DEPTH) {
            out.add(new Violation(path, "is nested deeper than " + MAX_DEPTH + " levels", null));
            return;
        }
        if (n.isTextual()) {
            String why = hostileText(n.asText());
            if (why != null) out.add(new Violation(path, why, null));
        } else if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = Violation.child(path, e.getKey());
                String why = hostileText(e.getKey());
                if (why != null) out.add(new Violation(p, "has a name that " + why, null));
                walk(e.getValue(), p, depth + 1, out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) walk(n.get(i), Violation.index(path, i), depth + 1, out);
        }
    }

    static String hostileText(String s) {
        if (s.contains("{{") || s.contains("}}")) {
            return "contains a template tag ('{{' or '}}'): option values are data, never templates";
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return "contains a control character (code " + (int) c + "), which could inject lines into config files";
            }
        }
        return null;
    }

    /**
     * The options an instance is installed with. {@code user} empty means none given. Throws one
     * INVALID_INPUT error listing every violation (path, problem, the option's description).
     */
    public static ObjectNode resolve(String app, Optional<JsonNode> schema, Optional<JsonNode> user) {
        if (user.isPresent() && !user.get().isObject()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the options of " + app + " must be a JSON object",
                    "write them as {\"name\": value, ...}");
        }
        if (schema.isEmpty()) {
            if (user.isPresent() && !user.get().isEmpty()) {
                throw new CairnException(ErrorCode.INVALID_INPUT, app + " declares no options, but options were given",
                        "install it without --options");
            }
            return Json.MAPPER.createObjectNode();
        }
        List<Violation> problems = new ArrayList<>(user.map(Options::hostile).orElse(List.of()));
        if (!problems.isEmpty()) throw invalid(app, problems);
        JsonNode merged = merge(defaults(schema.get()), user.orElse(null));
        if (merged == null) merged = Json.MAPPER.createObjectNode();
        problems.addAll(SchemaValidator.validate(schema.get(), merged));
        if (!problems.isEmpty()) throw invalid(app, problems);
        if (!merged.isObject()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the options of " + app + " are not an object once merged", null);
        }
        return (ObjectNode) merged;
    }

    static CairnException invalid(String app, List<Violation> problems) {
        List<String> lines = new ArrayList<>();
        for (Violation v : problems) lines.add(v.text());
        return new CairnException(ErrorCode.INVALID_INPUT, "the options of " + app + " are invalid (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "): " + String.join("; ", lines),
                "fix these options; 'cairn package describe " + app + "' shows the schema");
    }
}
