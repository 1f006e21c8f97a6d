package dev.cairn.controller.instances;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.controller.deploy.DeploymentView;
import dev.cairn.controller.deploy.ServiceView;
import dev.cairn.controller.http.Reply;
import dev.cairn.controller.http.Router;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.instances.InstanceNames;
import dev.cairn.instances.InstanceRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v1/instances} and {@code /api/v1/roles}: stage, unstage, install, list, show, start,
 * stop, remove; role create, list, delete.
 */
public final class InstancesApi {
    static final int MAX_OPTIONS_BYTES = 64 * 1024;

    private InstancesApi() {}

    public static void register(Router r, InstanceApplier applier, DeploymentStore deployments) {
        r.post("/api/v1/instances/stage", req -> {
            JsonNode b = req.json();
            InstanceNames.AppRef ref = InstanceNames.AppRef.parse(b.path("app").asText(null));
            Stages.Staged s = applier.stage(ref.app(), ref.version());
            return Reply.ok(Map.of("app", s.app(), "version", s.version(), "path", s.path().toString(), "files", s.files(), "created", s.created()));
        });
        r.post("/api/v1/instances/unstage", req -> {
            InstanceNames.AppRef ref = InstanceNames.AppRef.parse(req.json().path("app").asText(null));
            return Reply.ok(Map.of("app", ref.app(), "removed", applier.unstage(ref.app(), ref.version())));
        });
        r.post("/api/v1/instances", req -> {
            JsonNode b = req.json();
            JsonNode options = b.get("options");
            if (options != null && !options.isNull() && options.toString().length() > MAX_OPTIONS_BYTES) {
                throw new CairnException(ErrorCode.TOO_LARGE, "the options are larger than " + MAX_OPTIONS_BYTES / 1024 + " KiB", "keep options small; put data in files");
            }
            InstanceApplier.Install in = new InstanceApplier.Install(required(b, "app"), required(b, "role"), required(b, "id"),
                    text(b, "basedir"), options == null || options.isNull() ? Optional.empty() : Optional.of(options), text(b, "version"));
            InstanceRecord rec = applier.install(in);
            return Reply.created(detail(rec, deployments));
        });
        r.get("/api/v1/instances", req -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (InstanceRecord rec : applier.store().list()) out.add(summary(rec, deployments));
            return Reply.ok(Map.of("instances", out));
        });
        r.get("/api/v1/instances/{role}/{id}", req -> Reply.ok(detail(applier.store().require(key(req.param("role"), req.param("id"))).value(), deployments)));
        r.post("/api/v1/instances/{role}/{id}/start", req -> Reply.ok(detail(applier.start(key(req.param("role"), req.param("id"))), deployments)));
        r.post("/api/v1/instances/{role}/{id}/stop", req -> Reply.ok(detail(applier.stop(key(req.param("role"), req.param("id"))), deployments)));
        r.delete("/api/v1/instances/{role}/{id}", req -> {
            InstanceRecord rec = applier.remove(key(req.param("role"), req.param("id")));
            return Reply.ok(Map.of("role", rec.role(), "id", rec.id(), "result", "removed", "home", rec.home(),
                    "stage", applier.layout().stage(rec.app(), rec.version()).toString()));
        });
        r.get("/api/v1/roles", req -> {
            List<Map<String, Object>> out = new ArrayList<>();
            List<InstanceRecord> all = applier.store().list();
            for (String role : applier.store().roles()) {
                List<String> dirs = new ArrayList<>();
                for (String bd : applier.layout().basedirs()) dirs.add(applier.layout().roleDir(bd, role).toString());
                out.add(Map.of("name", role, "instances", all.stream().filter(x -> x.role().equals(role)).count(), "directories", dirs));
            }
            return Reply.ok(Map.of("roles", out));
        });
        r.post("/api/v1/roles", req -> {
            String name = required(req.json(), "name");
            applier.createRole(name);
            return Reply.created(Map.of("name", name, "result", "created"));
        });
        r.delete("/api/v1/roles/{name}", req -> {
            applier.deleteRole(req.param("name"));
            return Reply.ok(Map.of("name", req.param("name"), "result", "deleted"));
        });
    }

    static InstanceNames.Key key(String role, String id) {
        return new InstanceNames.Key(role, id);
    }

    /** {@code {"app","version","role","id","basedir","home","state","node"}}. */
    static Map<String, Object> summary(InstanceRecord rec, DeploymentStore deployments) {
        Optional<ServiceView> sv = service(rec, deployments);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app", rec.app());
        m.put("version", rec.version());
        m.put("role", rec.role());
        m.put("id", rec.id());
        m.put("basedir", rec.basedir());
        m.put("home", rec.home());
        m.put("state", rec.state());
        m.put("node", sv.map(ServiceView::node).orElse(null));
        return m;
    }

    static Map<String, Object> detail(InstanceRecord rec, DeploymentStore deployments) {
        Map<String, Object> m = summary(rec, deployments);
        Optional<ServiceView> sv = service(rec, deployments);
        m.put("policy", rec.policy());
        m.put("step", rec.step());
        m.put("error", rec.error());
        m.put("updatedAt", rec.updatedAt());
        m.put("deployment", rec.deployment());
        m.put("service", rec.serviceId());
        m.put("serviceState", sv.map(ServiceView::state).orElse(null));
        m.put("command", rec.service() == null ? null : rec.service().command());
        m.put("notRunnable", rec.notRunnable());
        m.put("options", rec.options());
        return m;
    }

    /** The instance's service as the DPE shows it, when the instance runs. */
    static Optional<ServiceView> service(InstanceRecord rec, DeploymentStore deployments) {
        if (!rec.state().equals(InstanceRecord.RUNNING)) return Optional.empty();
        Optional<DeploymentView> v = deployments.view(rec.deployment());
        return v.flatMap(x -> x.services().stream().filter(s -> s.id().equals(rec.serviceId())).findFirst());
    }

    private static String required(JsonNode b, String field) {
        String v = b.path(field).asText(null);
        if (v == null || v.isBlank()) throw new CairnException(ErrorCode.BAD_REQUEST, "the request needs '" + field + "'", null);
        return v;
    }

    private static Optional<String> text(JsonNode b, String field) {
        JsonNode n = b.get(field);
        return n == null || n.isNull() || n.asText().isBlank() ? Optional.empty() : Optional.of(n.asText());
    }
}
