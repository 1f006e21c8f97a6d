package dev.cairn.states.source;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * SLS files of a source by SLS name ({@code a/b.sls} → {@code a.b}, {@code a/init.sls} → {@code a})
 * and the top SLS names to apply. Plain data: the compiler reads it without I/O.
 */
public record SlsTree(Map<String, String> files, List<String> top, String description) {

    public Optional<String> load(String sls) {
        return Optional.ofNullable(files.get(sls));
    }

    /** Maps a relative path ending in .sls to its SLS name, or null. */
    public static String slsName(String relativePath) {
        if (!relativePath.endsWith(".sls")) return null;
        String p = relativePath.substring(0, relativePath.length() - 4).replace('\\', '/');
        if (p.endsWith("/init")) p = p.substring(0, p.length() - 5);
        return p.replace('/', '.');
    }

    /**
     * A tree from a directory's files: top.sls is either a Salt top file ({@code base: {'*': [sls…]}},
     * targets matched against this host's name) or itself the SLS to apply.
     */
    public static SlsTree ofDirectory(Map<String, String> files, String host, String description) {
        String topText = files.get("top");
        if (topText == null) {
            throw new CairnException(ErrorCode.INVALID_INPUT, description + " has no top.sls",
                    "add a top.sls (a Salt top file or an SLS with include:), or pass the .sls file itself");
        }
        Object doc;
        try {
            doc = dev.cairn.states.compile.Yaml.load(topText);
        } catch (Exception e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "top.sls of " + description + " is not valid YAML: "
                    + String.valueOf(e.getMessage()).replace('\n', ' '), "fix the YAML syntax");
        }
        List<String> top = new ArrayList<>();
        if (doc instanceof Map<?, ?> m && m.get("base") instanceof Map<?, ?> base && isTopFile(base)) {
            for (Map.Entry<?, ?> e : base.entrySet()) {
                if (!glob(String.valueOf(e.getKey())).matcher(host).matches()) continue;
                for (Object s : (List<?>) e.getValue()) if (s instanceof String name && !top.contains(name)) top.add(name);
            }
            return new SlsTree(Map.copyOf(new LinkedHashMap<>(files)), List.copyOf(top), description);
        }
        return new SlsTree(Map.copyOf(files), List.of("top"), description);
    }

    private static boolean isTopFile(Map<?, ?> base) {
        for (Object v : base.values()) if (!(v instanceof List<?>)) return false;
        return !base.isEmpty();
    }

    private static Pattern glob(String g) {
        StringBuilder b = new StringBuilder();
        for (char ch : g.toCharArray()) {
            if (ch == '*') b.append(".*");
            else if (ch == '?') b.append('.');
            else b.append(Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(b.toString());
    }
}
