package dev.cairn.instances;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * JSON Schema (draft 4, as Universe's config.json files are written, plus draft 6 numeric
 * exclusive bounds and {@code const}) validation that reports every violation with its JSON path
 * and the description of the option concerned. Keywords: type, enum, const, properties, required,
 * additionalProperties, patternProperties, dependencies, minProperties, maxProperties, items,
 * minItems, maxItems, uniqueItems, minLength, maxLength, pattern, minimum, maximum,
 * exclusiveMinimum, exclusiveMaximum, multipleOf, allOf, anyOf, oneOf, not. Annotations (default,
 * description, title, media, format) are not assertions. Pure: schema and document in, violations out.
 */
public final class SchemaValidator {
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private SchemaValidator() {}

    public static List<Violation> validate(JsonNode schema, JsonNode doc) {
        List<Violation> out = new ArrayList<>();
        check(schema, doc, "$", null, out);
        return out;
    }

    public static boolean valid(JsonNode schema, JsonNode doc) {
        return validate(schema, doc).isEmpty();
    }

    private static void check(JsonNode s, JsonNode v, String path, String inherited, List<Violation> out) {
        if (s == null || s.isMissingNode()) return;
        if (s.isBoolean()) {
            if (!s.asBoolean()) out.add(new Violation(path, "is not allowed here", inherited));
            return;
        }
        if (!s.isObject()) return;
        String desc = s.hasNonNull("description") ? s.get("description").asText()
                : s.hasNonNull("title") ? s.get("title").asText() : inherited;
        JsonNode type = s.get("type");
        if (type != null && !typeMatches(type, v)) {
            out.add(new Violation(path, "is " + describe(v) + ", but must be " + typeText(type), desc));
            return; // the other keywords would only repeat the type problem
        }
        if (s.has("enum")) {
            boolean any = false;
            for (JsonNode e : s.get("enum")) any |= same(e, v);
            if (!any) out.add(new Violation(path, "is " + describe(v) + ", not one of " + compact(s.get("enum")), desc));
        }
        if (s.has("const") && !same(s.get("const"), v)) {
            out.add(new Violation(path, "is " + describe(v) + ", but must be " + compact(s.get("const")), desc));
        }
        if (v.isTextual()) strings(s, v.asText(), path, desc, out);
        if (v.isNumber()) numbers(s, v, path, desc, out);
        if (v.isObject()) objects(s, v, path, desc, out);
        if (v.isArray()) arrays(s, v, path, desc, out);
        combinators(s, v, path, desc, out);
    }

    private static void strings(JsonNode s, String text, String path, String desc, List<Violation> out) {
        int len = text.codePointCount(0, text.length());
        if (s.has("minLength") && len < s.get("minLength").asInt()) {
            out.add(new Violation(path, "is " + len + " characters long, shorter than the minimum " + s.get("minLength").asInt(), desc));
        }
        if (s.has("maxLength") && len > s.get("maxLength").asInt()) {
            out.add(new Violation(path, "is " + len + " characters long, longer than the maximum " + s.get("maxLength").asInt(), desc));
        }
        if (s.hasNonNull("pattern")) {
            String p = s.get("pattern").asText();
            Pattern compiled;
            try {
                compiled = PATTERNS.computeIfAbsent(p, Pattern::compile);
            } catch (PatternSyntaxException e) {
                out.add(new Violation(path, "cannot be checked: the schema's pattern " + p + " is not a valid regular expression", desc));
                return;
            }
            if (!compiled.matcher(text).find()) {
                out.add(new Violation(path, "is " + quote(text) + ", which does not match the pattern " + p, desc));
            }
        }
    }

    private static void numbers(JsonNode s, JsonNode v, String path, String desc, List<Violation> out) {
        double x = v.asDouble();
        String shown = v.asText();
        if (s.has("minimum")) {
            double min = s.get("minimum").asDouble();
            boolean excl = s.path("exclusiveMinimum").asBoolean(false);
            if (excl ? x <= min : x < min) {
                out.add(new Violation(path, "is " + shown + ", less than " + (excl ? "or equal to " : "") + "the minimum " + s.get("minimum").asText(), desc));
            }
        }
        if (s.has("maximum")) {
            double max = s.get("maximum").asDouble();
            boolean excl = s.path("exclusiveMaximum").asBoolean(false);
            if (excl ? x >= max : x > max) {
                out.add(new Violation(path, "is " + shown + ", greater than " + (excl ? "or equal to " : "") + "the maximum " + s.get("maximum").asText(), desc));
            }
        }
        if (s.path("exclusiveMinimum").isNumber() && x <= s.get("exclusiveMinimum").asDouble()) {
            out.add(new Violation(path, "is " + shown + ", but must be greater than " + s.get("exclusiveMinimum").asText(), desc));
        }
        if (s.path("exclusiveMaximum").isNumber() && x >= s.get("exclusiveMaximum").asDouble()) {
            out.add(new Violation(path, "is " + shown + ", but must be less than " + s.get("exclusiveMaximum").asText(), desc));
        }
        if (s.path("multipleOf").isNumber()) {
            double m = s.get("multipleOf").asDouble();
            double q = x / m;
            if (m > 0 && Math.abs(q - Math.rint(q)) > 1e-9) out.add(new Violation(path, "is " + shown + ", not a multiple of " + s.get("multipleOf").asText(), desc));
        }
    }

    private static void objects(JsonNode s, JsonNode v, String path, String desc, List<Violation> out) {
        JsonNode props = s.path("properties");
        for (JsonNode r : s.path("required")) {
            String name = r.asText();
            if (!v.has(name)) {
                JsonNode ps = props.path(name);
                out.add(new Violation(Violation.child(path, name), "is required but missing",
                        ps.hasNonNull("description") ? ps.get("description").asText() : desc));
            }
        }
        JsonNode patternProps = s.path("patternProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String childPath = Violation.child(path, e.getKey());
            boolean known = false;
            if (props.has(e.getKey())) {
                known = true;
                check(props.get(e.getKey()), e.getValue(), childPath, null, out);
            }
            for (Iterator<Map.Entry<String, JsonNode>> pp = patternProps.fields(); pp.hasNext(); ) {
                Map.Entry<String, JsonNode> p = pp.next();
                try {
                    if (PATTERNS.computeIfAbsent(p.getKey(), Pattern::compile).matcher(e.getKey()).find()) {
                        known = true;
                        check(p.getValue(), e.getValue(), childPath, null, out);
                    }
                } catch (PatternSyntaxException ignored) {
                    // a broken patternProperties key matches nothing
                }
            }
            if (!known && s.has("additionalProperties")) {
                JsonNode ap = s.get("additionalProperties");
                if (ap.isBoolean() && !ap.asBoolean()) {
                    out.add(new Violation(childPath, "is not a known option here (known: " + String.join(", ", names(props)) + ")", desc));
                } else if (ap.isObject()) {
                    check(ap, e.getValue(), childPath, null, out);
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("dependencies").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> d = it.next();
            if (!v.has(d.getKey())) continue;
            if (d.getValue().isArray()) {
                for (JsonNode need : d.getValue()) {
                    if (!v.has(need.asText())) {
                        out.add(new Violation(Violation.child(path, need.asText()), "is required when " + d.getKey() + " is set", desc));
                    }
                }
            } else {
                check(d.getValue(), v, path, desc, out);
            }
        }
        if (s.has("minProperties") && v.size() < s.get("minProperties").asInt()) {
            out.add(new Violation(path, "has " + v.size() + " entries, fewer than the minimum " + s.get("minProperties").asInt(), desc));
        }
        if (s.has("maxProperties") && v.size() > s.get("maxProperties").asInt()) {
            out.add(new Violation(path, "has " + v.size() + " entries, more than the maximum " + s.get("maxProperties").asInt(), desc));
        }
    }

    private static void arrays(JsonNode s, JsonNode v, String path, String desc, List<Violation> out) {
        JsonNode items = s.get("items");
        if (items != null && items.isArray()) {
            for (int i = 0; i < v.size() && i < items.size(); i++) check(items.get(i), v.get(i), Violation.index(path, i), desc, out);
            JsonNode extra = s.get("additionalItems");
            if (extra != null && extra.isBoolean() && !extra.asBoolean() && v.size() > items.size()) {
                out.add(new Violation(path, "has " + v.size() + " items, but at most " + items.size() + " are allowed", desc));
            }
        } else if (items != null) {
            for (int i = 0; i < v.size(); i++) check(items, v.get(i), Violation.index(path, i), desc, out);
        }
        if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
            out.add(new Violation(path, "has " + v.size() + " items, fewer than the minimum " + s.get("minItems").asInt(), desc));
        }
        if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
            out.add(new Violation(path, "has " + v.size() + " items, more than the maximum " + s.get("maxItems").asInt(), desc));
        }
        if (s.path("uniqueItems").asBoolean(false)) {
            Set<String> seen = new HashSet<>();
            for (JsonNode i : v) {
                if (!seen.add(canonical(i))) {
                    out.add(new Violation(path, "has the item " + compact(i) + " more than once", desc));
                    break;
                }
            }
        }
    }

    private static void combinators(JsonNode s, JsonNode v, String path, String desc, List<Violation> out) {
        for (JsonNode sub : s.path("allOf")) check(sub, v, path, desc, out);
        if (s.path("anyOf").isArray()) {
            List<List<Violation>> branches = branches(s.get("anyOf"), v, path, desc);
            if (branches.stream().noneMatch(List::isEmpty)) {
                out.add(new Violation(path, "matches none of the " + branches.size() + " allowed forms (closest: " + closest(branches) + ")", desc));
            }
        }
        if (s.path("oneOf").isArray()) {
            List<List<Violation>> branches = branches(s.get("oneOf"), v, path, desc);
            long ok = branches.stream().filter(List::isEmpty).count();
            if (ok == 0) {
                out.add(new Violation(path, "matches none of the " + branches.size() + " allowed forms (closest: " + closest(branches) + ")", desc));
            } else if (ok > 1) {
                out.add(new Violation(path, "matches " + ok + " of the " + branches.size() + " forms, but must match exactly one", desc));
            }
        }
        if (s.has("not")) {
            List<Violation> inner = new ArrayList<>();
            check(s.get("not"), v, path, desc, inner);
            if (inner.isEmpty()) {
                out.add(new Violation(path, "is a combination the schema forbids (" + truncate(compact(s.get("not")), 200) + ")", desc));
            }
        }
    }

    private static List<List<Violation>> branches(JsonNode subs, JsonNode v, String path, String desc) {
        List<List<Violation>> out = new ArrayList<>();
        for (JsonNode sub : subs) {
            List<Violation> b = new ArrayList<>();
            check(sub, v, path, desc, b);
            out.add(b);
        }
        return out;
    }

    private static String closest(List<List<Violation>> branches) {
        List<Violation> best = null;
        for (List<Violation> b : branches) if (best == null || b.size() < best.size()) best = b;
        if (best == null || best.isEmpty()) return "none";
        Violation f = best.get(0);
        return f.path() + " " + f.message();
    }

    static boolean typeMatches(JsonNode type, JsonNode v) {
        if (type.isArray()) {
            for (JsonNode t : type) if (typeMatches(t, v)) return true;
            return false;
        }
        return switch (type.asText()) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && !Double.isInfinite(v.asDouble()));
            case "any" -> true;
            default -> true; // an unknown type name constrains nothing
        };
    }

    private static String typeText(JsonNode type) {
        if (!type.isArray()) return article(type.asText());
        List<String> t = new ArrayList<>();
        for (JsonNode x : type) t.add(x.asText());
        return "one of " + String.join(", ", t);
    }

    private static String article(String t) {
        return switch (t) {
            case "object", "array", "integer" -> "an " + t;
            case "null" -> "null";
            default -> "a " + t;
        };
    }

    static String describe(JsonNode v) {
        if (v.isObject()) return "an object";
        if (v.isArray()) return "an array";
        if (v.isTextual()) return "the string " + quote(v.asText());
        if (v.isNull()) return "null";
        return v.asText();
    }

    private static String quote(String s) {
        return "\"" + truncate(s, 80).replace("\n", "\\n") + "\"";
    }

    private static String truncate(String s, int n) {
        return s.length() > n ? s.substring(0, n - 3) + "..." : s;
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        return a.equals(b);
    }

    private static String canonical(JsonNode n) {
        return n.isNumber() ? n.decimalValue().stripTrailingZeros().toPlainString() : n.toString();
    }

    private static String compact(JsonNode n) {
        return n.toString();
    }

    private static List<String> names(JsonNode props) {
        List<String> out = new ArrayList<>();
        props.fieldNames().forEachRemaining(out::add);
        if (out.size() > 8) {
            int more = out.size() - 8;
            out = new ArrayList<>(out.subList(0, 8));
            out.add("and " + more + " more");
        }
        return out;
    }
}
