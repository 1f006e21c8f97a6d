package dev.cairn.controller.deploy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.Names;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.Versioned;
import dev.cairn.policy.deployment.DeploymentReader;
import dev.cairn.policy.deployment.DeploymentSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where deployments live in the store: the desired side at {@code /deployments/<name>}, the DPE's
 * view at {@code /deployment-views/<name>}, and what each agent reports of its services at
 * {@code /observed/<node>}.
 */
public final class DeploymentStore {
    public static final StorePath DEPLOYMENTS = StorePath.of("deployments");
    public static final StorePath VIEWS = StorePath.of("deployment-views");
    public static final StorePath OBSERVED = StorePath.of("observed");

    /** What an agent reported, as stored. */
    public record NodeReport(List<ObservedService> services) {
        public NodeReport {
            services = services == null ? List.of() : List.copyOf(services);
        }
    }

    public enum Applied { CREATED, UPDATED, UNCHANGED }

    private final CoordinationStore store;
    private final DeployEvents events;

    public DeploymentStore(CoordinationStore store) {
        this(store, DeployEvents.logging());
    }

    /** Changes to deployments and agents' reports are written with their events ({@link DeployEvents}). */
    public DeploymentStore(CoordinationStore store, DeployEvents events) {
        this.store = store;
        this.events = events;
    }

    DeployEvents events() { return events; }

    public CoordinationStore store() { return store; }

    public Applied apply(DeploymentSpec spec) {
        StorePath p = DEPLOYMENTS.child(spec.name());
        byte[] data = Json.bytes(spec);
        while (true) {
            Optional<Versioned<byte[]>> cur = store.get(p);
            if (cur.isEmpty()) {
                if (DeployTx.run(store, events, StoreOp.create(p, data), new DeployTx.Ev("deployment.applied", spec.name(),
                        "created with " + spec.services().size() + " service(s)", Map.of("result", "created",
                                "services", spec.services().size()))).committed()) return Applied.CREATED;
                continue;
            }
            DeploymentSpec old = Json.read(cur.get().value(), DeploymentSpec.class);
            if (old.deleting()) {
                throw new CairnException(ErrorCode.CONFLICT, "deployment '" + spec.name() + "' is being deleted",
                        "wait until 'cairn deployment list' no longer shows it, then apply again");
            }
            if (Arrays.equals(cur.get().value(), data)) return Applied.UNCHANGED;
            if (DeployTx.run(store, events, StoreOp.set(p, data, cur.get().version()), new DeployTx.Ev("deployment.applied", spec.name(),
                    "changed; now " + spec.services().size() + " service(s)", Map.of("result", "updated",
                            "services", spec.services().size()))).committed()) return Applied.UPDATED;
        }
    }

    public Optional<DeploymentSpec> find(String name) {
        return store.get(DEPLOYMENTS.child(name)).map(v -> Json.read(v.value(), DeploymentSpec.class));
    }

    public DeploymentSpec require(String name) {
        DeploymentReader.requireName(name);
        return find(name).orElseThrow(() -> new CairnException(ErrorCode.NOT_FOUND, "deployment '" + name + "' does not exist",
                "see 'cairn deployment list'"));
    }

    public List<String> names() {
        return store.children(DEPLOYMENTS);
    }

    /** Marks the deployment for deletion: its DPE stops every service, then removes it. */
    public DeploymentSpec markDeleting(String name) {
        StorePath p = DEPLOYMENTS.child(name);
        while (true) {
            Versioned<byte[]> cur = store.get(p).orElseThrow(() -> new CairnException(ErrorCode.NOT_FOUND,
                    "deployment '" + name + "' does not exist", "see 'cairn deployment list'"));
            DeploymentSpec s = Json.read(cur.value(), DeploymentSpec.class);
            if (s.deleting()) return s;
            DeploymentSpec d = s.markDeleting();
            if (DeployTx.run(store, events, StoreOp.set(p, Json.bytes(d), cur.version()), new DeployTx.Ev("deployment.deleting", name,
                    "delete requested: stopping every service", Map.of())).committed()) return d;
        }
    }

    /** Removes a deployment whose services are all stopped. */
    public void remove(String name) {
        DeployTx.run(store, events, StoreOp.delete(DEPLOYMENTS.child(name), StoreOp.ANY_VERSION),
                new DeployTx.Ev("deployment.deleted", name, "every service stopped; deployment removed", Map.of()));
        store.delete(VIEWS.child(name), StoreOp.ANY_VERSION);
    }

    public Optional<DeploymentView> view(String name) {
        return store.get(VIEWS.child(name)).map(v -> Json.read(v.value(), DeploymentView.class));
    }

    /** Calls {@code changed} whenever the DPE's view of deployment {@code name} changes (for long-polls); close to stop. */
    public AutoCloseable watchView(String name, Runnable changed) {
        return store.watch(VIEWS.child(name), e -> changed.run());
    }

    public void putView(DeploymentView v) {
        store.put(VIEWS.child(v.name()), Json.bytes(v));
    }

    /** Records an agent's report; writes only when it changed, so periodic reports cost a read. */
    public boolean report(String node, NodeReport r) {
        Names.requireNode(node);
        StorePath p = OBSERVED.child(node);
        byte[] data = Json.bytes(r);
        while (true) {
            Optional<Versioned<byte[]>> cur = store.get(p);
            if (cur.isPresent() && Arrays.equals(cur.get().value(), data)) return false;
            List<ObservedService> before = cur.isEmpty() ? List.of() : Json.read(cur.get().value(), NodeReport.class).services();
            StoreOp op = cur.isEmpty() ? StoreOp.create(p, data) : StoreOp.set(p, data, cur.get().version());
            if (DeployTx.run(store, events, List.of(op), stateChanges(node, before, r.services())).committed()) return true;
        }
    }

    /**
     * One {@code service.<state>} event per service whose reported state changed on {@code node}
     * (started, adopted, stopped, failed), at most {@link DeployTx#MAX_CHANGES}.
     */
    static List<DeployTx.Ev> stateChanges(String node, List<ObservedService> before, List<ObservedService> after) {
        Map<String, ObservedService> old = new java.util.HashMap<>();
        for (ObservedService o : before) old.put(o.deployment() + "/" + o.service(), o);
        List<DeployTx.Ev> out = new java.util.ArrayList<>();
        for (ObservedService o : after) {
            String key = o.deployment() + "/" + o.service();
            ObservedService was = old.remove(key);
            boolean newCopy = was == null || was.pid() != o.pid() || !java.util.Objects.equals(was.hash(), o.hash());
            if (!newCopy && was.state().equals(o.state())) continue;
            if (was == null && !o.running() && !"failed".equals(o.state())) continue;
            String verb = switch (o.state()) {
                case "running" -> o.adopted() ? "adopted" : "started";
                case "failed" -> "failed";
                default -> "stopped";
            };
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put("node", node);
            data.put("pid", o.pid());
            data.put("failCount", o.failCount());
            String msg = verb + " on " + node + (o.pid() > 0 ? " (pid " + o.pid() + ")" : "") + (o.detail() == null ? "" : ": " + o.detail());
            out.add(new DeployTx.Ev("service." + verb, key, msg, data));
        }
        for (ObservedService o : old.values()) {
            if (!o.running()) continue;
            out.add(new DeployTx.Ev("service.stopped", o.deployment() + "/" + o.service(), "stopped on " + node + " (no longer reported)",
                    Map.of("node", node, "pid", o.pid(), "failCount", o.failCount())));
        }
        return out.size() > DeployTx.MAX_CHANGES ? out.subList(0, DeployTx.MAX_CHANGES) : out;
    }
}
