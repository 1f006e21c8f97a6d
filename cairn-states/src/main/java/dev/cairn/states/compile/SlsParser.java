package dev.cairn.states.compile;

import dev.cairn.states.compile.HighData.Arg;
import dev.cairn.states.compile.HighData.IdBlock;
import dev.cairn.states.compile.HighData.StateDecl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads SLS files (Salt's YAML syntax) into {@link HighData}. Pure: SLS text comes from a
 * loader function (SLS name → text), so the caller decides where files live.
 */
public final class SlsParser {
    private final Function<String, Optional<String>> loader;
    private final List<IdBlock> blocks = new ArrayList<>();
    private final Map<String, IdBlock> byId = new LinkedHashMap<>();
    private final LinkedHashSet<String> rendered = new LinkedHashSet<>();
    private final Map<String, List<String>> includedFrom = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();

    private SlsParser(Function<String, Optional<String>> loader) {
        this.loader = loader;
    }

    /** The result of parsing: high data, or the errors that make the run impossible. */
    public record Parsed(HighData high, List<String> errors) {
        public boolean ok() { return errors.isEmpty(); }
    }

    public static Parsed parse(Function<String, Optional<String>> loader, List<String> topSls) {
        SlsParser p = new SlsParser(loader);
        for (String sls : topSls) p.render(sls, null, new ArrayList<>());
        return new Parsed(new HighData(List.copyOf(p.blocks)), List.copyOf(p.errors));
    }

    /** Parses one SLS text, with no includes resolvable beyond itself. */
    public static Parsed parseText(String slsName, String text) {
        return parse(name -> name.equals(slsName) ? Optional.of(text) : Optional.empty(), List.of(slsName));
    }

    private void render(String sls, String includer, List<String> stack) {
        if (includer != null) includedFrom.computeIfAbsent(sls, k -> new ArrayList<>()).add(includer);
        if (rendered.contains(sls)) return;
        if (stack.contains(sls)) return;
        Optional<String> text = loader.apply(sls);
        if (text.isEmpty()) {
            errors.add(includer == null
                    ? "No matching sls found for '" + sls + "' in env 'base'"
                    : "Specified SLS " + sls + " in saltenv base is not available on the salt master or through a configured fileserver");
            return;
        }
        Object doc;
        try {
            doc = text.get().isBlank() ? new LinkedHashMap<>() : Yaml.load(text.get());
        } catch (Exception e) {
            errors.add("Rendering SLS '" + sls + "' failed: " + oneLine(e));
            return;
        }
        if (doc == null) doc = new LinkedHashMap<>();
        if (!(doc instanceof Map<?, ?> map)) {
            errors.add("SLS '" + sls + "' does not render to a dictionary");
            return;
        }
        rendered.add(sls);
        stack.add(sls);
        Object include = map.get("include");
        if (include != null) {
            if (!(include instanceof List<?> incs)) {
                errors.add("Include Declaration in SLS '" + sls + "' is not formed as a list");
            } else {
                for (Object inc : incs) {
                    String name = inc instanceof Map<?, ?> m && m.size() == 1 ? String.valueOf(m.keySet().iterator().next())
                            : String.valueOf(inc);
                    String target = resolveRelative(sls, name);
                    if (name.startsWith(".") && loader.apply(target).isEmpty() && loader.apply(sls + name).isPresent()) {
                        target = sls + name; // relative to a package's init.sls
                    }
                    render(target, sls, stack);
                }
            }
        }
        stack.remove(stack.size() - 1);
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String id = String.valueOf(e.getKey());
            if (id.equals("include") || id.equals("exclude") || id.equals("extend") || id.startsWith("__")) continue;
            if (byId.containsKey(id)) {
                IdBlock prior = byId.get(id);
                errors.add("Detected conflicting IDs, SLS IDs need to be globally unique.\n"
                        + "The conflicting ID is '" + id + "' and is found in SLS 'base:" + prior.sls()
                        + "' and SLS 'base:" + sls + "'");
                continue;
            }
            IdBlock block = idBlock(sls, id, e.getValue());
            if (block != null) {
                blocks.add(block);
                byId.put(id, block);
            }
        }
    }

    private IdBlock idBlock(String sls, String id, Object body) {
        List<StateDecl> decls = new ArrayList<>();
        List<String> from = includedFrom.getOrDefault(sls, List.of());
        if (body instanceof String s) {
            int dot = s.indexOf('.');
            if (dot <= 0) {
                errors.add("ID '" + id + "' in SLS '" + sls + "' is not a dictionary");
                return null;
            }
            decls.add(new StateDecl(s.substring(0, dot), List.of(s.substring(dot + 1)), List.of()));
            return new IdBlock(id, sls, from, decls);
        }
        if (!(body instanceof Map<?, ?> states)) {
            errors.add("ID '" + id + "' in SLS '" + sls + "' is not a dictionary");
            return null;
        }
        Map<String, StateDecl> byModule = new LinkedHashMap<>();
        for (Map.Entry<?, ?> se : states.entrySet()) {
            String key = String.valueOf(se.getKey());
            if (key.startsWith("__")) continue;
            String module = key;
            List<String> functions = new ArrayList<>();
            int dot = key.indexOf('.');
            if (dot > 0) {
                module = key.substring(0, dot);
                functions.add(key.substring(dot + 1));
            }
            List<Arg> args = new ArrayList<>();
            Object run = se.getValue();
            if (run instanceof List<?> list) {
                for (Object a : list) {
                    if (a instanceof String fn) {
                        functions.add(fn);
                    } else if (a instanceof Map<?, ?> am) {
                        for (Map.Entry<?, ?> ae : am.entrySet()) args.add(new Arg(String.valueOf(ae.getKey()), ae.getValue()));
                    } else if (a != null) {
                        errors.add("State '" + key + "' in ID '" + id + "' in SLS '" + sls
                                + "' has an argument that is neither a function name nor a key: value mapping: " + a);
                    }
                }
            } else if (run != null) {
                errors.add("State '" + id + "' in SLS '" + sls + "' is not formed as a list");
                continue;
            }
            if (byModule.containsKey(module)) {
                errors.add("ID '" + id + "' in SLS '" + sls + "' contains multiple state declarations of the same type");
                continue;
            }
            byModule.put(module, new StateDecl(module, functions, args));
        }
        decls.addAll(byModule.values());
        return new IdBlock(id, sls, from, decls);
    }

    static String resolveRelative(String sls, String include) {
        if (!include.startsWith(".")) return include;
        int dots = 0;
        while (dots < include.length() && include.charAt(dots) == '.') dots++;
        String rest = include.substring(dots);
        String[] parts = sls.split("\\.");
        int keep = Math.max(0, parts.length - dots);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < keep; i++) b.append(i > 0 ? "." : "").append(parts[i]);
        if (!rest.isEmpty()) b.append(b.isEmpty() ? "" : ".").append(rest);
        return b.toString();
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }
}
