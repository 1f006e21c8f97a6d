package dev.cairn.policy.deployment;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A YAML (or JSON) document as a tree that knows the line of every key and list item, so that a
 * mistake is reported where it is. A key given twice in one mapping is refused.
 */
final class YamlTree {
    private final String source;
    private final String hint;
    private final Map<String, Integer> lines;
    final Node root;

    private YamlTree(String source, String hint, Map<String, Integer> lines, JsonNode root) {
        this.source = source;
        this.hint = hint;
        this.lines = lines;
        this.root = new Node("", root);
    }

    /** {@code source} names the document in messages (a file name), or is null. */
    static YamlTree parse(String content, String source, String hint) {
        Map<String, Integer> lines = new HashMap<>();
        JsonNode root;
        try {
            index(content, lines, source, hint);
            root = Json.YAML.readTree(content);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            // the parser's own lines (what it was reading; what it found), without its excerpts of the text
            String m = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage().lines()
                    .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))).collect(Collectors.joining("; "));
            throw new CairnException(ErrorCode.INVALID_INPUT, prefix(source, line) + "malformed YAML: " + m,
                    "check the YAML syntax (indentation, ':' after keys, matching brackets and quotes)", e);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, prefix(source, -1) + "cannot read the YAML: " + e.getMessage(), hint, e);
        }
        return new YamlTree(source, hint, lines, root);
    }

    /** Records the line of each key and list item by its JSON pointer; refuses a key given twice. */
    private static void index(String content, Map<String, Integer> lines, String source, String hint) throws IOException {
        try (JsonParser p = Json.YAML.getFactory().createParser(content)) {
            Deque<Set<String>> keys = new ArrayDeque<>();
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                JsonStreamContext ctx = p.getParsingContext();
                int line = p.currentTokenLocation().getLineNr();
                switch (t) {
                    case START_OBJECT -> {
                        lines.putIfAbsent(pointer(ctx.getParent()), line);
                        keys.push(new HashSet<>());
                    }
                    case START_ARRAY -> lines.putIfAbsent(pointer(ctx.getParent()), line);
                    case END_OBJECT -> keys.pop();
                    case END_ARRAY -> { }
                    case FIELD_NAME -> {
                        if (!keys.isEmpty() && !keys.peek().add(p.currentName())) {
                            throw new CairnException(ErrorCode.INVALID_INPUT, prefix(source, line) + "'" + p.currentName()
                                    + "' is given twice in the same mapping", "keep one of them");
                        }
                        lines.putIfAbsent(pointer(ctx), line);
                    }
                    default -> lines.putIfAbsent(pointer(ctx), line);
                }
            }
        }
    }

    private static String pointer(JsonStreamContext ctx) {
        return ctx == null ? "" : ctx.pathAsPointer().toString();
    }

    private static String prefix(String source, int line) {
        String where = line > 0 ? "line " + line : "";
        if (source == null) return where.isEmpty() ? "" : where + ": ";
        return source + (where.isEmpty() ? "" : " " + where) + ": ";
    }

    /** A place in the document: its JSON pointer and its value (null when absent). */
    final class Node {
        final String path;
        final JsonNode value;

        Node(String path, JsonNode value) {
            this.path = path;
            this.value = value;
        }

        /** Present and not null. */
        boolean present() {
            return value != null && !value.isMissingNode() && !value.isNull();
        }

        boolean isMapping() { return present() && value.isObject(); }

        boolean isList() { return present() && value.isArray(); }

        boolean isScalar() { return present() && value.isValueNode(); }

        Node get(String key) {
            return new Node(path + "/" + key.replace("~", "~0").replace("/", "~1"), value == null ? null : value.get(key));
        }

        boolean has(String key) {
            return get(key).present();
        }

        /** The entries of a mapping in document order (none when absent). */
        List<Map.Entry<String, Node>> entries() {
            List<Map.Entry<String, Node>> out = new ArrayList<>();
            if (!isMapping()) return out;
            for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                out.add(Map.entry(k, get(k)));
            }
            return out;
        }

        /** The items of a list (none when absent). */
        List<Node> items() {
            List<Node> out = new ArrayList<>();
            if (!isList()) return out;
            for (int i = 0; i < value.size(); i++) out.add(new Node(path + "/" + i, value.get(i)));
            return out;
        }

        /** The text of a scalar. */
        String text() {
            return value.asText();
        }

        /** The line of this place, or of the nearest enclosing one the index knows. */
        int line() {
            String p = path;
            while (true) {
                Integer l = lines.get(p);
                if (l != null) return l;
                if (p.isEmpty()) return 1;
                p = p.substring(0, p.lastIndexOf('/'));
            }
        }

        /** Refuses a key that is not in {@code known}, naming it, its line and what is known. */
        void onlyKeys(Set<String> known, String what) {
            for (Map.Entry<String, Node> e : entries()) {
                if (!known.contains(e.getKey())) {
                    throw e.getValue().bad(what + ": unknown field '" + e.getKey() + "' (known: " + String.join(", ", new TreeSet<>(known)) + ")");
                }
            }
        }

        CairnException bad(String message) {
            return bad(ErrorCode.INVALID_INPUT, message, hint);
        }

        CairnException bad(ErrorCode code, String message, String hint) {
            return new CairnException(code, prefix(source, line()) + message, hint);
        }

        /** Prefixes a message raised elsewhere (a name check) with this place. */
        CairnException at(CairnException e) {
            return new CairnException(e.code(), prefix(source, line()) + e.getMessage(), e.hint(), e);
        }
    }
}
