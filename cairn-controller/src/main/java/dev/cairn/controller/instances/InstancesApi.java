package dev.cairn.controller.instances;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.controller.deploy.DeploymentView;
import dev.cairn.controller.deploy.ServiceState;
import dev.cairn.controller.deploy.ServiceView;
import dev.cairn.controller.http.LongPoll;
import dev.cairn.controller.http.Reply;
import dev.cairn.controller.http.Router;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.instances.InstanceNames;
import dev.cairn.instances.InstanceRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v1/instances} and {@code /api/v1/roles}: stage, unstage, install, list, show (and
 * wait), start, stop, remove; role create, list, delete.
 */
public final class InstancesApi {
    static final int MAX_OPTIONS_BYTES = 64 * 1024;

    private InstancesApi() {}

    /** {@code instance list}'s entries. */
    public record Summary(String app, String version, String role, String id, String basedir, String home, InstanceRecord.State state,
                          String node) {}

    /** {@code instance show}: the record, with the service as the policy engine shows it while the instance runs. */
    public record Detail(String app, String version, String role, String id, String basedir, String home, InstanceRecord.State state,
                         String node, String policy, InstanceRecord.Step step, String error, Instant updatedAt, String deployment,
                         String service, ServiceState serviceState, List<String> command, String notRunnable, JsonNode options) {}

    /** What {@code GET /api/v1/instances/{role}/{id}?wait=…&while=…} waits out. */
    enum While {
        /** the install is in progress */
        INSTALLING,
        /** the instance is running but its service is not running yet */
        STARTING,
        /** a node still runs the service of the instance (stopped or not) */
        STOPPING;

        static While parse(String v) {
            try {
                return valueOf(v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CairnException(ErrorCode.BAD_REQUEST, "while='" + v + "' is not something to wait for",
                        "use while=installing, while=starting or while=stopping");
            }
        }
    }

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
        // recorded in its install step and answered; the leader carries it out (wait with ?wait=…&while=installing)
        r.post("/api/v1/instances", req -> {
            JsonNode b = req.json();
            JsonNode options = b.get("options");
            if (options != null && !options.isNull() && options.toString().length() > MAX_OPTIONS_BYTES) {
                throw new CairnException(ErrorCode.TOO_LARGE, "the options are larger than " + MAX_OPTIONS_BYTES / 1024 + " KiB", "keep options small; put data in files");
            }
            InstanceApplier.Install in = new InstanceApplier.Install(required(b, "app"), required(b, "role"), required(b, "id"),
                    text(b, "basedir"), options == null || options.isNull() ? Optional.empty() : Optional.of(options), text(b, "version"));
            return Reply.accepted(detail(applier.install(in), deployments));
        });
        r.get("/api/v1/instances", req -> {
            List<Summary> out = new ArrayList<>();
            for (InstanceRecord rec : applier.store().list()) out.add(summary(rec, deployments));
            return Reply.ok(Map.of("instances", out));
        });
        r.get("/api/v1/instances/{role}/{id}", req -> {
            InstanceNames.Key k = key(req.param("role"), req.param("id"));
            Duration wait = LongPoll.waitParam(req);
            Optional<String> w = req.query("while");
            if (w.isEmpty()) {
                if (!wait.isZero()) throw new CairnException(ErrorCode.BAD_REQUEST, "wait needs while", "use while=installing, while=starting or while=stopping");
                return Reply.ok(detail(applier.store().require(k).value(), deployments));
            }
            return Reply.ok(await(applier.store(), deployments, k, While.parse(w.get()), wait));
        });
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

    /** The instance and whether what the request waits out is over. */
    private record Seen(InstanceRecord rec, Detail detail, boolean over) {}

    /**
     * The instance once {@code what} is over, or after {@code wait} as it is then; woken by watches
     * on the record and on its role's deployment view. An install that ended in failure answers as
     * the install would have: with its error.
     */
    static Detail await(InstanceStore store, DeploymentStore deployments, InstanceNames.Key k, While what, Duration wait)
            throws InterruptedException {
        List<LongPoll.Watch> watches = new ArrayList<>();
        watches.add(changed -> store.watch(k, changed));
        if (what != While.INSTALLING) watches.add(changed -> deployments.watchView(InstanceRecord.deploymentOf(k.role()), changed));
        Seen s = LongPoll.await(wait, watches, () -> {
            InstanceRecord rec = store.require(k).value();
            Detail d = detail(rec, deployments);
            boolean over = switch (what) {
                case INSTALLING -> !rec.installing();
                case STARTING -> rec.state() != InstanceRecord.State.RUNNING || d.serviceState() == ServiceState.RUNNING;
                case STOPPING -> !active(rec, deployments);
            };
            return new Seen(rec, d, over);
        }, Seen::over);
        if (what == While.INSTALLING && s.over() && s.rec().state() == InstanceRecord.State.STAGED && s.rec().failure() != null) {
            throw s.rec().failure().exception();
        }
        return s.detail();
    }

    static InstanceNames.Key key(String role, String id) {
        return new InstanceNames.Key(role, id);
    }

    static Summary summary(InstanceRecord rec, DeploymentStore deployments) {
        return new Summary(rec.app(), rec.version(), rec.role(), rec.id(), rec.basedir(), rec.home(), rec.state(),
                service(rec, deployments).map(ServiceView::node).orElse(null));
    }

    static Detail detail(InstanceRecord rec, DeploymentStore deployments) {
        Optional<ServiceView> sv = service(rec, deployments);
        return new Detail(rec.app(), rec.version(), rec.role(), rec.id(), rec.basedir(), rec.home(), rec.state(),
                sv.map(ServiceView::node).orElse(null), rec.policy(), rec.step(), rec.error(), rec.updatedAt(), rec.deployment(), rec.serviceId(),
                sv.map(ServiceView::state).orElse(null), rec.service() == null ? null : rec.service().command(), rec.notRunnable(), rec.options());
    }

    /** The instance's service as the DPE shows it, when the instance runs. */
    static Optional<ServiceView> service(InstanceRecord rec, DeploymentStore deployments) {
        if (rec.state() != InstanceRecord.State.RUNNING) return Optional.empty();
        return line(rec, deployments);
    }

    /** Whether the DPE's view still shows the instance's service other than stopped (whatever the instance's state). */
    static boolean active(InstanceRecord rec, DeploymentStore deployments) {
        return line(rec, deployments).filter(s -> s.state() != ServiceState.STOPPED).isPresent();
    }

    private static Optional<ServiceView> line(InstanceRecord rec, DeploymentStore deployments) {
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
