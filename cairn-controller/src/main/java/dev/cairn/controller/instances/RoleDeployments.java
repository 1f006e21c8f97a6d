package dev.cairn.controller.instances;

import dev.cairn.controller.deploy.DeploymentStore;
import dev.cairn.instances.ServicePlan;
import dev.cairn.policy.Score;
import dev.cairn.policy.deployment.DeploymentSpec;
import dev.cairn.policy.deployment.MonitorDef;
import dev.cairn.policy.deployment.ServiceDef;
import dev.cairn.policy.model.ExprDef;
import dev.cairn.policy.model.LocationDef;
import dev.cairn.policy.model.RuleDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A role's deployment {@code role-<role>}: starting an instance adds its service (and its location
 * constraints), stopping removes them. Each change is a read-modify-write of the stored spec through
 * {@link DeploymentStore#update} (retried on conflict, so two instances of one role started at once
 * both land), written with its {@code deployment.applied} event.
 */
final class RoleDeployments {
    private final DeploymentStore deployments;

    RoleDeployments(DeploymentStore deployments) {
        this.deployments = deployments;
    }

    void add(String deployment, String serviceId, ServicePlan plan) {
        ServiceDef def = serviceDef(serviceId, plan);
        List<LocationDef> locs = locations(serviceId, plan);
        deployments.update(deployment, spec -> {
            List<ServiceDef> services = new ArrayList<>(spec.services().stream().filter(s -> !s.id().equals(serviceId)).toList());
            services.add(def);
            List<LocationDef> all = new ArrayList<>(spec.locations().stream().filter(l -> !l.resource().equals(serviceId)).toList());
            all.addAll(locs);
            return new DeploymentSpec(spec.name(), services, all, spec.colocations(), spec.orders(), spec.options(), spec.resourceDefaults(), false);
        });
    }

    /** Nothing to do when the deployment does not exist (it is never created empty). */
    void remove(String deployment, String serviceId) {
        deployments.update(deployment, spec -> new DeploymentSpec(spec.name(),
                spec.services().stream().filter(s -> !s.id().equals(serviceId)).toList(),
                spec.locations().stream().filter(l -> !l.resource().equals(serviceId)).toList(),
                spec.colocations().stream().filter(c -> !c.resource().equals(serviceId) && !c.withResource().equals(serviceId)).toList(),
                spec.orders().stream().filter(o -> !o.first().equals(serviceId) && !o.then().equals(serviceId)).toList(),
                spec.options(), spec.resourceDefaults(), spec.deleting()));
    }

    /** The plan as a deployment service; the working directory is entered by a tiny shell prologue. */
    static ServiceDef serviceDef(String id, ServicePlan plan) {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", "cd -- \"$0\" && exec \"$@\"", plan.cwd()));
        argv.addAll(plan.command());
        ServicePlan.Monitor m = plan.monitor();
        MonitorDef monitor = new MonitorDef(m.type(), m.intervalMs(), m.timeoutMs(), m.command(), m.url(), m.host(), m.port());
        return new ServiceDef(id, argv, plan.env(), monitor, Map.of());
    }

    static List<LocationDef> locations(String id, ServicePlan plan) {
        List<LocationDef> out = new ArrayList<>();
        int i = 0;
        for (ServicePlan.Placement pl : plan.placements()) {
            String cid = "loc-" + id + "-" + (++i);
            int score = Score.parse(pl.score(), Score.INFINITY);
            if (pl.node() != null) {
                out.add(new LocationDef(cid, id, pl.node(), score, List.of()));
            } else {
                List<ExprDef> exprs = new ArrayList<>();
                pl.labels().forEach((k, v) -> exprs.add(new ExprDef(k, "eq", v, "string")));
                out.add(new LocationDef(cid, id, null, 0, List.of(new RuleDef(cid + "-rule", Score.format(score), null, false, exprs))));
            }
        }
        return out;
    }
}
