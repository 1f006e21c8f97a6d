package dev.cairn.instances;

import com.fasterxml.jackson.databind.JsonNode;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mustache rendering of instance templates. One pass only: values are inserted as data and never
 * parsed as templates. Partials ({@code {{> x}}}) are refused, so a template cannot read files.
 * Escaping depends on where the value lands: none for config files and argv elements, JSON string
 * escaping for Universe's marathon.json (so a value cannot break out of its string), and shell
 * escaping for a command written as one shell string (a value stays one word).
 */
public final class Templates {
    public enum Escaping { NONE, JSON, SHELL }

    private Templates() {}

    public static String render(String what, String template, Map<String, Object> context, Escaping escaping) {
        Mustache.Compiler c = Mustache.compiler().defaultValue("").emptyStringIsFalse(true)
                .withLoader(name -> {
                    throw new CairnException(ErrorCode.INVALID_INPUT, what + " includes the partial '" + name + "'; partials are not supported",
                            "inline the text instead");
                });
        c = switch (escaping) {
            case NONE -> c.escapeHTML(false);
            case JSON -> c.withEscaper(Templates::jsonEscape);
            case SHELL -> c.withEscaper(Templates::shellEscape);
        };
        try {
            return c.compile(template).execute(context);
        } catch (MustacheException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, what + " is not a valid Mustache template: " + oneLine(e.getMessage()),
                    "check its {{tags}}");
        }
    }

    /** Renders with JSON string escaping also for triple-mustache tags (Universe templates use both inside strings). */
    public static String renderJson(String what, String template, Map<String, Object> context) {
        return render(what, template, jsonEscapedStrings(context), Escaping.NONE);
    }

    /** The context templates see: the merged options at the top level, {@code cairn.*}, and optionally {@code resource}. */
    public static Map<String, Object> context(JsonNode options, InstanceRef ref, JsonNode resource) {
        Map<String, Object> ctx = new LinkedHashMap<>(toMap(options));
        Map<String, Object> instance = new LinkedHashMap<>();
        instance.put("id", ref.id());
        instance.put("role", ref.role());
        instance.put("basedir", ref.basedir());
        instance.put("home", ref.home());
        instance.put("stage", ref.stage());
        Map<String, Object> pkg = new LinkedHashMap<>();
        pkg.put("name", ref.app());
        pkg.put("version", ref.version());
        ctx.put("cairn", Map.of("instance", instance, "package", pkg));
        if (resource != null) ctx.put("resource", toMap(resource));
        return ctx;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> toMap(JsonNode n) {
        if (n == null || !n.isObject()) return Map.of();
        return Json.MAPPER.convertValue(n, LinkedHashMap.class);
    }

    @SuppressWarnings("unchecked")
    static Object jsonEscapedValue(Object v) {
        if (v instanceof String s) return jsonEscape(s);
        if (v instanceof Map<?, ?> m) return jsonEscapedStrings((Map<String, Object>) m);
        if (v instanceof List<?> l) return l.stream().map(Templates::jsonEscapedValue).toList();
        return v;
    }

    static Map<String, Object> jsonEscapedStrings(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : m.entrySet()) out.put(e.getKey(), jsonEscapedValue(e.getValue()));
        return out;
    }

    static String jsonEscape(String s) {
        String quoted = Json.string(s);
        return quoted.substring(1, quoted.length() - 1);
    }

    /** Backslash before everything but a conservative set of characters, so a value is one shell word. */
    static String shellEscape(String s) {
        if (s.isEmpty()) return "''";
        StringBuilder sb = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (Character.isLetterOrDigit(ch) || "._-/:=@%+,".indexOf(ch) >= 0) sb.append(ch);
            else sb.append('\\').append(ch);
        }
        return sb.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ');
    }

    /**
     * A map that answers every key with itself one level deeper and prints as the tag it stands for:
     * SLS files are rendered with the instance context while their own {@code {{ states.x.y }}}
     * references (the states engine's) come out unchanged.
     */
    static final class PassThrough extends AbstractMap<String, Object> {
        private final String path;

        PassThrough(String path) {
            this.path = path;
        }

        @Override
        public Object get(Object key) { return new PassThrough(path + "." + key); }

        @Override
        public boolean containsKey(Object key) { return true; }

        @Override
        public Set<Entry<String, Object>> entrySet() { return Set.of(); }

        @Override
        public String toString() { return "{{ " + path + " }}"; }
    }
}
