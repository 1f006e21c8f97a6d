package dev.cairn.controller.http;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Method + path-pattern routing. Patterns are literal segments and {@code {name}} parameters,
 * e.g. {@code /api/v1/nodes/{name}/heartbeat}. The first registered match wins.
 */
public final class Router {
    @FunctionalInterface
    public interface Handler {
        Reply handle(Request request) throws Exception;
    }

    record Route(String method, String pattern, String[] segments, Handler handler) {}

    public record Match(Route route, Map<String, String> params) {
        public String pattern() { return route.pattern(); }

        public Handler handler() { return route.handler(); }
    }

    private final List<Route> routes = new ArrayList<>();

    public Router get(String pattern, Handler h) { return add("GET", pattern, h); }

    public Router post(String pattern, Handler h) { return add("POST", pattern, h); }

    public Router put(String pattern, Handler h) { return add("PUT", pattern, h); }

    public Router delete(String pattern, Handler h) { return add("DELETE", pattern, h); }

    public synchronized Router add(String method, String pattern, Handler h) {
        routes.add(new Route(method, pattern, split(pattern), h));
        return this;
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }

    /** Finds the route; a path that exists under another method is 405, an unknown path 404. */
    public synchronized Optional<Match> match(String method, String path) {
        String[] segs = split(path);
        boolean pathExists = false;
        for (Route r : routes) {
            Map<String, String> params = matches(r.segments, segs);
            if (params == null) continue;
            if (r.method.equals(method) || (method.equals("HEAD") && r.method.equals("GET"))) return Optional.of(new Match(r, params));
            pathExists = true;
        }
        if (pathExists) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "method " + method + " is not allowed on " + path, "see the API reference in docs/api.md");
        }
        return Optional.empty();
    }

    private static Map<String, String> matches(String[] pattern, String[] segs) {
        if (pattern.length != segs.length) return null;
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                if (segs[i].isEmpty()) return null;
                params.put(p.substring(1, p.length() - 1), java.net.URLDecoder.decode(segs[i], java.nio.charset.StandardCharsets.UTF_8));
            } else if (!p.equals(segs[i])) {
                return null;
            }
        }
        return params;
    }
}
