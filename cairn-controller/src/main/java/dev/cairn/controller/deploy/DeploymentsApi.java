package dev.cairn.controller.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.controller.http.Reply;
import dev.cairn.controller.http.Router;
import dev.cairn.controller.work.WorkChannel;
import dev.cairn.controller.work.WorkResult;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Names;
import dev.cairn.policy.deployment.DeploymentReader;
import dev.cairn.policy.deployment.DeploymentSpec;
import dev.cairn.policy.deployment.ServiceDef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v1/deployments}: apply (create or change), list, show, delete, and a service's logs
 * (fetched from the agent running it over the work channel); plus the agents' service reports at
 * {@code POST /api/v1/nodes/{name}/services}.
 */
public final class DeploymentsApi {
    static final Duration LOGS_TIMEOUT = Duration.ofSeconds(10);

    private DeploymentsApi() {}

    public static void register(Router r, DeploymentStore deployments, WorkChannel work) {
        r.post("/api/v1/deployments", req -> {
            JsonNode body = req.json();
            String content = body.path("content").asText(null);
            if (content == null || content.isBlank()) {
                throw new CairnException(ErrorCode.BAD_REQUEST, "the request needs the deployment file as 'content'", "use 'cairn deployment apply FILE'");
            }
            String format = body.path("format").asText("yaml");
            boolean xml = switch (format) {
                case "xml", "cib" -> true;
                case "yaml", "json" -> false;
                default -> throw new CairnException(ErrorCode.BAD_REQUEST, "format '" + format + "' is unknown", "use yaml or xml");
            };
            DeploymentSpec spec = DeploymentReader.read(content, xml, body.path("name").asText(null));
            DeploymentStore.Applied a = deployments.apply(spec);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", spec.name());
            out.put("result", a.name().toLowerCase());
            out.put("services", spec.services().size());
            return a == DeploymentStore.Applied.CREATED ? Reply.created(out) : Reply.ok(out);
        });
        r.get("/api/v1/deployments", req -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String name : deployments.names()) {
                Optional<DeploymentSpec> spec = deployments.find(name);
                if (spec.isEmpty()) continue;
                DeploymentView v = show(deployments, spec.get());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", name);
                m.put("services", spec.get().services().size());
                m.put("running", v.services().stream().filter(s -> s.state() == ServiceState.RUNNING).count());
                m.put("deleting", spec.get().deleting());
                out.add(m);
            }
            return Reply.ok(Map.of("deployments", out));
        });
        r.get("/api/v1/deployments/{name}", req -> Reply.ok(show(deployments, deployments.require(req.param("name")))));
        r.delete("/api/v1/deployments/{name}", req -> {
            DeploymentSpec s = deployments.require(req.param("name"));
            deployments.markDeleting(s.name());
            return Reply.accepted(Map.of("name", s.name(), "result", "deleting"));
        });
        r.get("/api/v1/deployments/{name}/services/{service}/logs", req -> {
            DeploymentSpec spec = deployments.require(req.param("name"));
            String svc = req.param("service");
            if (spec.service(svc).isEmpty()) {
                throw new CairnException(ErrorCode.NOT_FOUND, "deployment '" + spec.name() + "' has no service '" + svc + "'",
                        "see 'cairn deployment show " + spec.name() + "'");
            }
            return Reply.ok(logs(deployments, work, spec.name(), svc, req.queryLong("offset", -8192)));
        });
        r.post("/api/v1/nodes/{name}/services", req -> {
            String node = Names.requireNode(req.param("name"));
            DeploymentStore.NodeReport rep = req.json(DeploymentStore.NodeReport.class);
            boolean changed = deployments.report(node, rep);
            return Reply.ok(Map.of("changed", changed));
        });
    }

    /** The DPE's view; before the DPE has written one, every service is pending. */
    static DeploymentView show(DeploymentStore deployments, DeploymentSpec spec) {
        Optional<DeploymentView> v = deployments.view(spec.name());
        if (v.isPresent()) return v.get();
        List<ServiceView> lines = new ArrayList<>();
        for (ServiceDef s : spec.services()) lines.add(new ServiceView(s.id(), ServiceState.PENDING, null, null));
        return new DeploymentView(spec.name(), lines);
    }

    /**
     * Asks the agent of the node that runs (or last ran) the service for its logs, and waits for the
     * answer: the work channel's wait is woken by a store watch on the result.
     */
    static Map<String, Object> logs(DeploymentStore deployments, WorkChannel work, String dep, String svc, long offset)
            throws InterruptedException {
        String node = null;
        for (var rep : deployments.reports().entrySet()) {
            for (ObservedService o : rep.getValue().services()) {
                if (o.deployment().equals(dep) && o.service().equals(svc) && (node == null || o.running())) node = rep.getKey();
            }
        }
        if (node == null) node = deployments.view(dep).flatMap(v -> v.services().stream().filter(s -> s.id().equals(svc)).findFirst())
                .map(ServiceView::node).orElse(null);
        if (node == null) {
            throw new CairnException(ErrorCode.NOT_FOUND, "service " + dep + "/" + svc + " has not run on any node yet",
                    "see 'cairn deployment show " + dep + "'");
        }
        Optional<WorkResult> answer = work.request(node, "service.logs", -1, Map.of("deployment", dep, "service", svc, "offset", offset), LOGS_TIMEOUT);
        if (answer.isEmpty()) {
            throw new CairnException(ErrorCode.UNAVAILABLE, "the agent on " + node + " did not send the logs within " + LOGS_TIMEOUT.toSeconds() + "s",
                    "check 'cairn node list': the node may be down");
        }
        WorkResult r = answer.get();
        if (!r.ok()) {
            throw new CairnException(ErrorCode.OPERATION_FAILED, "the agent on " + node + " could not read the logs: "
                    + r.result().path("error").asText(r.result().path("refused").asText("unknown error")), null);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", node);
        out.put("data", r.result().path("data").asText(""));
        out.put("next", r.result().path("next").asLong());
        out.put("size", r.result().path("size").asLong());
        return out;
    }
}
