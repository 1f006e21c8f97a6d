package dev.cairn.instances;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders an instance from its staged package and merged options: config templates into files
 * under the home, the states SLS, and the service (Cairn's {@code service:} or the {@code cmd} of a
 * Universe package's rendered marathon.json). Pure: files are read through {@link AppPackage.Files}.
 */
public final class InstanceRenderer {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?");
    private static final Pattern HOST_PORT = Pattern.compile("(.+):(\\d{1,5})");

    private InstanceRenderer() {}

    public static RenderedInstance render(AppPackage pkg, InstanceRef ref, JsonNode options, AppPackage.Files files) {
        return switch (pkg) {
            case AppPackage.Cairn c -> cairn(c, ref, options, files);
            case AppPackage.Universe u -> universe(u, ref, options);
        };
    }

    private static RenderedInstance cairn(AppPackage.Cairn c, InstanceRef ref, JsonNode options, AppPackage.Files files) {
        Map<String, Object> ctx = Templates.context(options, ref, null);
        Path home = Path.of(ref.home());
        JsonNode instance = c.manifest().instance().orElse(Json.MAPPER.createObjectNode());
        List<RenderedInstance.File> out = new ArrayList<>();
        for (JsonNode item : instance.path("config")) {
            String template = item.path("template").asText();
            byte[] raw = packageFile(files, template, "instance.config template");
            String target = Templates.render("the config path '" + item.path("path").asText() + "'", item.path("path").asText(), ctx,
                    Templates.Escaping.NONE);
            Path resolved = Layout.inside(home, target, "config path");
            String rendered = Templates.render("template " + template, new String(raw, StandardCharsets.UTF_8), ctx, Templates.Escaping.NONE);
            out.add(new RenderedInstance.File(home.relativize(resolved).toString(), rendered.getBytes(StandardCharsets.UTF_8)));
        }
        Optional<RenderedInstance.States> states = Optional.empty();
        if (instance.hasNonNull("states")) {
            String path = instance.get("states").asText();
            byte[] raw = packageFile(files, path, "instance.states");
            Map<String, Object> slsCtx = new LinkedHashMap<>(ctx);
            slsCtx.put("states", new Templates.PassThrough("states"));
            states = Optional.of(new RenderedInstance.States(path,
                    Templates.render("states file " + path, new String(raw, StandardCharsets.UTF_8), slsCtx, Templates.Escaping.NONE)));
        }
        Optional<JsonNode> svc = c.manifest().service();
        if (svc.isEmpty() || !svc.get().has("command")) {
            return new RenderedInstance(out, states, Optional.empty(), c.name() + " declares no service: command, so its instances have nothing to run");
        }
        return new RenderedInstance(out, states, Optional.of(service(svc.get(), ctx, ref)), null);
    }

    static ServicePlan service(JsonNode s, Map<String, Object> ctx, InstanceRef ref) {
        List<String> command = new ArrayList<>();
        JsonNode cmd = s.get("command");
        if (cmd.isTextual()) {
            command.addAll(List.of("/bin/sh", "-c", Templates.render("service.command", cmd.asText(), ctx, Templates.Escaping.SHELL)));
        } else {
            for (JsonNode a : cmd) command.add(Templates.render("service.command", a.asText(), ctx, Templates.Escaping.NONE));
        }
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "service.command of " + ref.app() + " renders to nothing", "give it a program to run");
        }
        String cwd = s.hasNonNull("cwd") ? Templates.render("service.cwd", s.get("cwd").asText(), ctx, Templates.Escaping.NONE) : ref.home();
        Path cwdPath = Path.of(cwd);
        if (!Layout.within(Path.of(ref.home()), cwdPath) && !Layout.within(Path.of(ref.stage()), cwdPath)) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "service.cwd '" + cwd + "' is outside the instance home " + ref.home()
                    + " and the stage " + ref.stage(), "use {{cairn.instance.home}} or a directory below it");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("env").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            env.put(e.getKey(), Templates.render("service.env." + e.getKey(), e.getValue().asText(), ctx, Templates.Escaping.NONE));
        }
        env.put("CAIRN_INSTANCE_HOME", ref.home());
        env.put("CAIRN_INSTANCE", ref.role() + "/" + ref.id());
        return new ServicePlan(command, cwd, env, monitor(s.path("monitor"), ctx), placements(s.path("constraints"), ctx));
    }

    static ServicePlan.Monitor monitor(JsonNode m, Map<String, Object> ctx) {
        if (m.isMissingNode() || m.isNull()) return ServicePlan.Monitor.PROCESS;
        long interval = duration(m.path("interval"), 1_000);
        long timeout = duration(m.path("timeout"), 2_000);
        if (m.hasNonNull("tcp")) {
            String hp = Templates.render("monitor.tcp", m.get("tcp").asText(), ctx, Templates.Escaping.NONE);
            Matcher x = HOST_PORT.matcher(hp);
            int port = x.matches() ? Integer.parseInt(x.group(2)) : -1;
            if (port < 1 || port > 65535) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "monitor.tcp renders to '" + hp + "', not HOST:PORT", "e.g. 127.0.0.1:{{port}}");
            }
            return new ServicePlan.Monitor("tcp", interval, timeout, x.group(1), port, null, List.of());
        }
        if (m.hasNonNull("http")) {
            String url = Templates.render("monitor.http", m.get("http").asText(), ctx, Templates.Escaping.NONE);
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "monitor.http renders to '" + url + "', not an http(s) URL", null);
            }
            return new ServicePlan.Monitor("http", interval, timeout, null, 0, url, List.of());
        }
        if (m.has("command")) {
            List<String> c = new ArrayList<>();
            for (JsonNode a : m.get("command")) c.add(Templates.render("monitor.command", a.asText(), ctx, Templates.Escaping.NONE));
            return new ServicePlan.Monitor("command", interval, timeout, null, 0, null, c);
        }
        return new ServicePlan.Monitor("process", interval, timeout, null, 0, null, List.of());
    }

    static List<ServicePlan.Placement> placements(JsonNode cons, Map<String, Object> ctx) {
        List<ServicePlan.Placement> out = new ArrayList<>();
        for (JsonNode c : cons) {
            String score = c.path("score").asText("INFINITY");
            if (c.hasNonNull("node")) {
                out.add(new ServicePlan.Placement(Templates.render("constraint node", c.get("node").asText(), ctx, Templates.Escaping.NONE), Map.of(), score));
            } else if (c.path("label").isObject() && !c.get("label").isEmpty()) {
                Map<String, String> labels = new LinkedHashMap<>();
                c.get("label").fields().forEachRemaining(e -> labels.put(e.getKey(), Templates.render("constraint label", e.getValue().asText(), ctx, Templates.Escaping.NONE)));
                out.add(new ServicePlan.Placement(null, labels, score));
            } else {
                throw new CairnException(ErrorCode.INVALID_INPUT, "a service constraint needs 'node' or a 'label' mapping",
                        "e.g. constraints: [{label: {disk: ssd}}]");
            }
        }
        return out;
    }

    private static RenderedInstance universe(AppPackage.Universe u, InstanceRef ref, JsonNode options) {
        if (u.marathonTemplate() == null) {
            return new RenderedInstance(List.of(), Optional.empty(), Optional.empty(),
                    u.name() + " has no marathon.json.mustache, so there is nothing to run");
        }
        Map<String, Object> ctx = Templates.context(options, ref, u.resource() == null ? Json.MAPPER.createObjectNode() : u.resource());
        String text = Templates.renderJson("marathon.json.mustache of " + u.name(), u.marathonTemplate(), ctx);
        JsonNode app;
        try {
            app = Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the rendered marathon.json of " + u.name() + " is not valid JSON: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), "check the options against the package's config.json");
        }
        List<RenderedInstance.File> files = List.of(new RenderedInstance.File("marathon.json", Json.pretty(app).getBytes(StandardCharsets.UTF_8)));
        String cmd = app.path("cmd").asText("");
        if (cmd.isBlank()) {
            String image = app.path("container").path("docker").path("image").asText("");
            return new RenderedInstance(files, Optional.empty(), Optional.empty(), "the rendered marathon.json of " + u.name()
                    + " has no 'cmd'" + (image.isEmpty() ? "" : " (it runs the container image " + image + ")")
                    + "; Cairn runs commands, not containers, so this instance cannot run here");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = app.path("env").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isValueNode()) env.put(e.getKey(), e.getValue().asText());
        }
        env.put("CAIRN_INSTANCE_HOME", ref.home());
        env.put("CAIRN_INSTANCE", ref.role() + "/" + ref.id());
        List<ServicePlan.Placement> placements = new ArrayList<>();
        for (JsonNode c : app.path("constraints")) {
            if (c.size() == 3 && c.get(0).asText().equals("hostname") && c.get(1).asText().equals("CLUSTER")) {
                placements.add(new ServicePlan.Placement(c.get(2).asText(), Map.of(), "INFINITY"));
            }
        }
        return new RenderedInstance(files, Optional.empty(), Optional.of(new ServicePlan(List.of("/bin/sh", "-c", cmd), ref.home(), env,
                ServicePlan.Monitor.PROCESS, placements)), null);
    }

    private static byte[] packageFile(AppPackage.Files files, String path, String what) {
        Layout.inside(Path.of("/package"), path, what); // refuses absolute and escaping paths before any read
        return files.apply(path).orElseThrow(() -> new CairnException(ErrorCode.INVALID_INPUT,
                what + " '" + path + "' is not in the package", "add the file to the package or fix the path in package.yaml"));
    }

    private static long duration(JsonNode n, long dflt) {
        if (n.isMissingNode() || n.isNull()) return dflt;
        if (n.isNumber()) return n.asLong();
        Matcher m = DURATION.matcher(n.asText().trim());
        if (!m.matches()) throw new CairnException(ErrorCode.INVALID_INPUT, "'" + n.asText() + "' is not a duration", "like 500ms, 2s or 1m");
        long v = Long.parseLong(m.group(1));
        return m.group(2) == null || m.group(2).equals("ms") ? v : m.group(2).equals("s") ? v * 1_000 : v * 60_000;
    }
}
