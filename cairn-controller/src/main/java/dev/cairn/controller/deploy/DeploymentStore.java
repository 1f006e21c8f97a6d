package dev.cairn.controller.deploy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.Names;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StoreOp;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.Versioned;
import java.util.Arrays;
import java.util.List;
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

    public DeploymentStore(CoordinationStore store) {
        this.store = store;
    }

    public CoordinationStore store() { return store; }

    public Applied apply(DeploymentSpec spec) {
        StorePath p = DEPLOYMENTS.child(spec.name());
        byte[] data = Json.bytes(spec);
        while (true) {
            Optional<Versioned<byte[]>> cur = store.get(p);
            if (cur.isEmpty()) {
                if (store.createIfAbsent(p, data).isPresent()) return Applied.CREATED;
                continue;
            }
            DeploymentSpec old = Json.read(cur.get().value(), DeploymentSpec.class);
            if (old.deleting()) {
                throw new CairnException(ErrorCode.CONFLICT, "deployment '" + spec.name() + "' is being deleted",
                        "wait until 'cairn deployment list' no longer shows it, then apply again");
            }
            if (Arrays.equals(cur.get().value(), data)) return Applied.UNCHANGED;
            if (store.compareAndSet(p, data, cur.get().version()).isPresent()) return Applied.UPDATED;
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
            if (store.compareAndSet(p, Json.bytes(d), cur.version()).isPresent()) return d;
        }
    }

    /** Removes a deployment whose services are all stopped. */
    public void remove(String name) {
        store.transact(List.of(StoreOp.delete(DEPLOYMENTS.child(name), StoreOp.ANY_VERSION)));
        store.delete(VIEWS.child(name), StoreOp.ANY_VERSION);
    }

    public Optional<DeploymentView> view(String name) {
        return store.get(VIEWS.child(name)).map(v -> Json.read(v.value(), DeploymentView.class));
    }

    public void putView(DeploymentView v) {
        store.put(VIEWS.child(v.name()), Json.bytes(v));
    }

    /** Records an agent's report; writes only when it changed, so periodic reports cost a read. */
    public boolean report(String node, NodeReport r) {
        Names.requireNode(node);
        StorePath p = OBSERVED.child(node);
        byte[] data = Json.bytes(r);
        Optional<Versioned<byte[]>> cur = store.get(p);
        if (cur.isPresent() && Arrays.equals(cur.get().value(), data)) return false;
        store.put(p, data);
        return true;
    }
}
