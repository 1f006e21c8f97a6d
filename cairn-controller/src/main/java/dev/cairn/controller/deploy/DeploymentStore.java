package dev.cairn.controller.deploy;

import dev.cairn.controller.events.EventEmitter;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.Names;
import dev.cairn.core.events.EventDraft;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.Records;
import dev.cairn.core.store.Records.Change;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import dev.cairn.policy.deployment.DeploymentReader;
import dev.cairn.policy.deployment.DeploymentSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * The one owner of deployments in the store: the desired side at {@code /deployments/<name>}, the
 * DPE's view at {@code /deployment-views/<name>}, and what each agent reports of its services at
 * {@code /observed/<node>}. Every change of a deployment or of a report is written with its events
 * ({@link Records#update}); views are the DPE's own and carry none.
 */
public final class DeploymentStore {
    static final StorePath DEPLOYMENTS = StorePath.of("deployments");
    static final StorePath VIEWS = StorePath.of("deployment-views");
    static final StorePath OBSERVED = StorePath.of("observed");
    /** Most service events one agent report records (the rest of a huge change is in the report itself). */
    static final int MAX_SERVICE_EVENTS = 100;

    /** What an agent reported, as stored. */
    public record NodeReport(List<ObservedService> services) {
        public NodeReport {
            services = services == null ? List.of() : List.copyOf(services);
        }
    }

    public enum Applied { CREATED, UPDATED, UNCHANGED }

    private final CoordinationStore store;
    private final Records<DeploymentSpec> specs;
    private final Records<DeploymentView> views;
    private final Records<NodeReport> reports;

    public DeploymentStore(CoordinationStore store, EventLog events) {
        this.store = store;
        this.specs = new Records<>(store, events, DeploymentSpec.class);
        this.views = new Records<>(store, null, DeploymentView.class);
        this.reports = new Records<>(store, events, NodeReport.class);
    }

    /** Creates or replaces a deployment with its {@code deployment.applied} event; an identical one changes nothing. */
    public Applied apply(DeploymentSpec spec) {
        Records.Updated<DeploymentSpec> u = specs.update(DEPLOYMENTS.child(spec.name()), cur -> {
            if (cur.isPresent() && cur.get().deleting()) {
                throw new CairnException(ErrorCode.CONFLICT, "deployment '" + spec.name() + "' is being deleted",
                        "wait until 'cairn deployment list' no longer shows it, then apply again");
            }
            if (cur.isPresent() && cur.get().equals(spec)) return Change.none();
            return Change.put(spec, applied(spec, cur.isEmpty()));
        });
        return applied(u);
    }

    /**
     * Changes a deployment by a function of its spec (an empty one when it does not exist: a
     * deployment is created only once it has a service), with the same {@code deployment.applied}
     * event as {@link #apply}. Refused while the deployment is being deleted.
     */
    public Applied update(String name, UnaryOperator<DeploymentSpec> change) {
        Records.Updated<DeploymentSpec> u = specs.update(DEPLOYMENTS.child(name), cur -> {
            DeploymentSpec base = cur.orElseGet(() -> new DeploymentSpec(name, List.of(), null, null, null, null, null, false));
            if (base.deleting()) {
                throw new CairnException(ErrorCode.CONFLICT, "deployment " + name + " is being deleted",
                        "wait until 'cairn deployment list' no longer shows it, then try again");
            }
            DeploymentSpec next = change.apply(base);
            if (next.equals(base) || (cur.isEmpty() && next.services().isEmpty())) return Change.none();
            return Change.put(next, applied(next, cur.isEmpty()));
        });
        return applied(u);
    }

    private static Applied applied(Records.Updated<DeploymentSpec> u) {
        return !u.changed() ? Applied.UNCHANGED : u.before().isEmpty() ? Applied.CREATED : Applied.UPDATED;
    }

    private static EventDraft applied(DeploymentSpec spec, boolean created) {
        int n = spec.services().size();
        return created
                ? event("deployment.applied", spec.name(), "created with " + n + " service(s)", Map.of("result", "created", "services", n))
                : event("deployment.applied", spec.name(), "changed; now " + n + " service(s)", Map.of("result", "updated", "services", n));
    }

    public Optional<DeploymentSpec> find(String name) {
        return specs.find(DEPLOYMENTS.child(name));
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
        return specs.update(DEPLOYMENTS.child(name), cur -> {
            DeploymentSpec s = cur.orElseThrow(() -> new CairnException(ErrorCode.NOT_FOUND,
                    "deployment '" + name + "' does not exist", "see 'cairn deployment list'"));
            if (s.deleting()) return Change.none();
            return Change.put(s.markDeleting(), event("deployment.deleting", name, "delete requested: stopping every service", Map.of()));
        }).after().orElseThrow();
    }

    /** Removes a deployment whose services are all stopped, with its event; then its view. */
    public void remove(String name) {
        specs.update(DEPLOYMENTS.child(name), cur -> cur.isEmpty() ? Change.none()
                : Change.delete(event("deployment.deleted", name, "every service stopped; deployment removed", Map.of())));
        store.delete(VIEWS.child(name), StoreOp.ANY_VERSION);
    }

    /** Watches the deployments: each one that exists first, then every change; empty when one is removed. */
    public AutoCloseable watchSpecs(BiConsumer<String, Optional<DeploymentSpec>> listener) {
        return specs.watch(DEPLOYMENTS, listener);
    }

    public Optional<DeploymentView> view(String name) {
        return views.find(VIEWS.child(name));
    }

    /** Calls {@code changed} whenever the DPE's view of deployment {@code name} changes (for long-polls); close to stop. */
    public AutoCloseable watchView(String name, Runnable changed) {
        return store.watch(VIEWS.child(name), e -> changed.run());
    }

    /** Writes the DPE's view of its deployment (the DPE is its only writer). */
    public void putView(DeploymentView v) {
        store.put(VIEWS.child(v.name()), Json.bytes(v));
    }

    /** Records an agent's report with an event per service whose state changed; writes only when it changed, so periodic reports cost a read. */
    public boolean report(String node, NodeReport r) {
        Names.requireNode(node);
        return reports.update(OBSERVED.child(node), cur -> cur.isPresent() && cur.get().equals(r) ? Change.none()
                : Change.put(r, stateChanges(node, cur.map(NodeReport::services).orElse(List.of()), r.services()))).changed();
    }

    /** Every agent's last report, by node. */
    public Map<String, NodeReport> reports() {
        Map<String, NodeReport> out = new TreeMap<>();
        for (String node : store.children(OBSERVED)) reports.find(OBSERVED.child(node)).ifPresent(rep -> out.put(node, rep));
        return out;
    }

    /** Watches the agents' reports: each one that exists first, then every change. */
    public AutoCloseable watchReports(BiConsumer<String, Optional<NodeReport>> listener) {
        return reports.watch(OBSERVED, listener);
    }

    /**
     * One {@code service.<state>} event per service whose reported state changed on {@code node}
     * (started, adopted, stopped, failed), at most {@link #MAX_SERVICE_EVENTS}.
     */
    static List<EventDraft> stateChanges(String node, List<ObservedService> before, List<ObservedService> after) {
        Map<String, ObservedService> old = new HashMap<>();
        for (ObservedService o : before) old.put(o.deployment() + "/" + o.service(), o);
        List<EventDraft> out = new ArrayList<>();
        for (ObservedService o : after) {
            String key = o.deployment() + "/" + o.service();
            ObservedService was = old.remove(key);
            // a new process (another pid) or definition is a new copy; a copy that keeps its state while
            // its report drops the pid (a failed copy once it has been stopped) is the same copy
            boolean newCopy = was == null || (o.pid() > 0 && was.pid() != o.pid()) || !Objects.equals(was.hash(), o.hash());
            if (!newCopy && was.state() == o.state()) continue;
            if (was == null && o.state() == ObservedState.STOPPED) continue;
            String verb = switch (o.state()) {
                case RUNNING -> o.adopted() ? "adopted" : "started";
                case FAILED -> "failed";
                case STOPPED -> "stopped";
            };
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("node", node);
            data.put("pid", o.pid());
            data.put("failCount", o.failCount());
            String msg = verb + " on " + node + (o.pid() > 0 ? " (pid " + o.pid() + ")" : "") + (o.detail() == null ? "" : ": " + o.detail());
            out.add(event("service." + verb, key, msg, data));
        }
        for (ObservedService o : old.values()) {
            if (!o.running()) continue;
            out.add(event("service.stopped", o.deployment() + "/" + o.service(), "stopped on " + node + " (no longer reported)",
                    Map.of("node", node, "pid", o.pid(), "failCount", o.failCount())));
        }
        return out.size() > MAX_SERVICE_EVENTS ? out.subList(0, MAX_SERVICE_EVENTS) : out;
    }

    /** An event made to fit the log (texts from agents and users may be long or hold control characters). */
    static EventDraft event(String type, String subject, String message, Map<String, ?> data) {
        return EventEmitter.draft(type, subject, message, data);
    }
}
