package dev.cairn.policy.engine;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.policy.cib.CibReaderSupport;
import dev.cairn.policy.model.Cib;
import dev.cairn.policy.model.Configuration;
import dev.cairn.policy.model.NodeDef;
import dev.cairn.policy.model.NodeState;
import dev.cairn.policy.model.OpDef;
import dev.cairn.policy.model.OpRecord;
import dev.cairn.policy.model.ResourceDef;
import dev.cairn.policy.model.ResourceHistory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns configuration + status into a {@link ClusterModel}: node membership and attributes,
 * and each resource's role, flags and running nodes from its operation history
 * (Pacemaker's unpack.c, primitive subset).
 */
final class Unpacker {
    private static final int EXEC_DONE = 0;
    private static final int EXEC_CANCELLED = 1;
    private static final int EXEC_ERROR = 4;
    private static final int EXEC_ERROR_HARD = 5;
    private static final int EXEC_ERROR_FATAL = 6;
    private static final int EXEC_NOT_INSTALLED = 7;

    private final Cib cib;
    private final Configuration conf;
    private final boolean stonithEnabled;
    private ClusterModel model;

    private Unpacker(Cib cib) {
        this.cib = cib;
        this.conf = cib.configuration();
        this.stonithEnabled = isTrueDefault(conf.option("stonith-enabled", null), true);
    }

    static ClusterModel unpack(Cib cib, boolean explain) {
        return new Unpacker(cib).run(explain, false);
    }

    /** Only what the status listing needs: no allowed-node score tables. */
    static ClusterModel unpackStatus(Cib cib) {
        return new Unpacker(cib).run(false, true);
    }

    private static boolean isTrueDefault(String v, boolean dflt) {
        return v == null ? dflt : CibReaderSupport.isTrue(v);
    }

    private ClusterModel run(boolean explain, boolean statusOnly) {
        List<NodeInfo> nodes = nodes();
        List<Rsc> rscs = resources(statusOnly ? 0 : nodes.size());
        String nqp = conf.option("no-quorum-policy", "stop").toLowerCase();
        switch (nqp) {
            case "stop", "ignore", "freeze" -> { }
            default -> throw new CairnException(ErrorCode.UNSUPPORTED, "unsupported no-quorum-policy=" + nqp,
                    "use stop, ignore or freeze");
        }
        model = new ClusterModel(nodes, rscs, stonithEnabled,
                isTrueDefault(conf.option("symmetric-cluster", null), true),
                cib.status().haveQuorum(), nqp,
                isTrueDefault(conf.option("stop-all-resources", null), false));
        for (Rsc r : rscs) {
            if (explain) r.notes = new ArrayList<>();
            if (model.symmetric && !statusOnly) {
                for (NodeInfo n : nodes) r.weights[n.index] = n.weight;
            }
            Role req = r.requestedRole();
            if (req != null) r.nextRole = req;
        }
        status();
        return model;
    }

    private List<NodeInfo> nodes() {
        List<NodeDef> defs = new ArrayList<>(conf.nodes());
        defs.sort(Comparator.comparing(NodeDef::uname, NaturalOrder.INSTANCE));
        List<NodeInfo> out = new ArrayList<>(defs.size());
        String dc = cib.status().dcUuid();
        String clusterName = conf.clusterOptions().get("cluster-name");
        for (NodeDef d : defs) {
            Map<String, String> attrs = new HashMap<>();
            attrs.put("#uname", d.uname());
            attrs.put("#id", d.id());
            attrs.put("#kind", "cluster");
            attrs.put("#is_dc", d.id().equalsIgnoreCase(dc == null ? "" : dc) ? "true" : "false");
            if (clusterName != null) attrs.put("#cluster-name", clusterName);
            attrs.putAll(d.attributes());
            out.add(new NodeInfo(out.size(), d.id(), d.uname(), d.score(), attrs));
        }
        return out;
    }

    private List<Rsc> resources(int nodeCount) {
        List<Rsc> out = new ArrayList<>();
        Map<String, Integer> sortPriority = new HashMap<>();
        int i = 0;
        for (ResourceDef d : conf.resources()) {
            Map<String, String> meta = new LinkedHashMap<>(conf.resourceDefaults());
            meta.putAll(d.groupMeta());
            meta.putAll(d.meta());
            Rsc r = new Rsc(i++, d, meta, nodeCount, stonithEnabled);
            if ("unfencing".equalsIgnoreCase(r.requires)) {
                throw new CairnException(ErrorCode.UNSUPPORTED, "resource " + r.id + ": requires=unfencing is not supported",
                        "remove the requires meta attribute");
            }
            int sp = r.priority;
            if (d.group() != null) {
                Map<String, String> gm = new LinkedHashMap<>(conf.resourceDefaults());
                gm.putAll(d.groupMeta());
                sp = dev.cairn.policy.Score.parse(gm.get("priority"), 0);
            }
            sortPriority.put(r.id, sp);
            out.add(r);
        }
        out.sort(Comparator.comparingInt((Rsc r) -> -sortPriority.get(r.id)));
        return out;
    }

    // ---- status -------------------------------------------------------------------------

    private void status() {
        Map<String, NodeInfo> byId = new HashMap<>();
        for (NodeInfo n : model.nodes) byId.put(n.id, n);
        List<NodeInfo> stateNodes = new ArrayList<>();
        List<NodeState> states = new ArrayList<>();
        for (NodeState s : cib.status().nodeStates()) {
            NodeInfo n = byId.get(s.id());
            if (n == null && s.uname() != null) n = model.nodeByUname.get(s.uname());
            if (n == null || n.seen) continue;
            n.seen = true;
            n.attrs.putAll(s.attributes());
            if (CibReaderSupport.isTrue(n.attr("standby"))) n.standby = true;
            if (CibReaderSupport.isTrue(n.attr("maintenance"))) {
                throw new CairnException(ErrorCode.UNSUPPORTED, "node " + n.uname + " is in maintenance mode",
                        "maintenance mode is outside Cairn's supported subset");
            }
            determineOnline(s, n);
            stateNodes.add(n);
            states.add(s);
        }
        boolean startupFencing = isTrueDefault(conf.option("startup-fencing", null), true);
        for (NodeInfo n : model.nodes) {
            if (!n.seen && stonithEnabled && startupFencing) n.unclean = true;
            if (!n.online || n.shutdown) n.weight = -Scores.INF;
        }
        for (int i = 0; i < stateNodes.size(); i++) {
            NodeInfo n = stateNodes.get(i);
            if (!n.online) {
                if (stonithEnabled && hasActiveHistory(states.get(i))) {
                    throw new CairnException(ErrorCode.UNSUPPORTED,
                            "node " + n.uname + " is offline with resource history while fencing is enabled",
                            "fencing actions are outside Cairn's supported subset; set stonith-enabled=false");
                }
                continue;
            }
            for (ResourceHistory h : states.get(i).resources()) {
                Rsc r = model.byId.get(h.resource());
                if (r != null) unpackHistory(r, n, h);
            }
        }
        if (stonithEnabled && model.haveStonithResource) {
            for (NodeInfo n : model.nodes) {
                if (n.unclean) {
                    throw new CairnException(ErrorCode.UNSUPPORTED, "node " + n.uname + " is unclean and would be fenced",
                            "fencing actions are outside Cairn's supported subset");
                }
            }
        }
    }

    private static boolean hasActiveHistory(NodeState s) {
        for (ResourceHistory h : s.resources()) {
            if (!h.ops().isEmpty()) return true;
        }
        return false;
    }

    private void determineOnline(NodeState s, NodeInfo n) {
        n.shutdown = false;
        n.expectedUp = false;
        String sd = n.attr("shutdown");
        if (sd != null && !sd.equals("0")) {
            n.shutdown = true;
        } else if ("member".equalsIgnoreCase(s.expected())) {
            n.expectedUp = true;
        }
        boolean online = stonithEnabled ? onlineFencing(s, n) : onlineNoFencing(s, n);
        n.online = online;
    }

    private boolean onlineNoFencing(NodeState s, NodeInfo n) {
        boolean online = false;
        if (!CibReaderSupport.isTrue(s.inCcm())) {
            return false;
        } else if ("online".equalsIgnoreCase(s.crmd())) {
            if ("member".equalsIgnoreCase(s.join())) online = true;
        } else if (!n.expectedUp) {
            return false;
        } else {
            n.unclean = true; // peer is unexpectedly down
        }
        return online;
    }

    private boolean onlineFencing(NodeState s, NodeInfo n) {
        String terminate = n.attr("terminate");
        boolean doTerminate = CibReaderSupport.isTrue(terminate)
                || (terminate != null && !terminate.isEmpty() && terminate.charAt(0) != '0'
                && Character.isDigit(terminate.charAt(0)));
        boolean inCluster = CibReaderSupport.isTrue(s.inCcm());
        boolean online = inCluster;
        boolean crmdOnline = "online".equalsIgnoreCase(s.crmd());
        String exp = s.expected() == null ? "down" : s.expected();
        String join = s.join();
        if (n.shutdown) {
            online = crmdOnline;
        } else if (s.inCcm() == null) {
            n.unclean = true;
        } else if ("banned".equalsIgnoreCase(join)) {
            n.unclean = true;
        } else if (!doTerminate && "down".equalsIgnoreCase(exp)) {
            if (inCluster || crmdOnline) {
                n.standby = true;
                n.pending = true;
            }
        } else if (doTerminate && "down".equalsIgnoreCase(join) && !inCluster && !crmdOnline) {
            online = false;
        } else if (!inCluster) {
            n.unclean = true;
        } else if (!crmdOnline) {
            n.unclean = true;
        } else if (doTerminate) {
            n.unclean = true;
        } else if ("member".equalsIgnoreCase(join)) {
            // active
        } else if ("pending".equalsIgnoreCase(join) || "down".equalsIgnoreCase(join)) {
            n.standby = true;
            n.pending = true;
        } else {
            n.unclean = true;
        }
        return online;
    }

    // ---- resource history ---------------------------------------------------------------

    /** Per node-and-resource unpacking state. */
    private static final class OpState {
        Role role = Role.UNKNOWN;
        OnFail onFail = OnFail.IGNORE;
        OpRecord lastFailure;
    }

    private void unpackHistory(Rsc r, NodeInfo node, ResourceHistory h) {
        List<OpRecord> ops = new ArrayList<>(h.ops());
        ops.sort(OpRecord.HISTORY_ORDER);
        Role saved = r.role;
        OpState st = new OpState();
        for (OpRecord op : ops) unpackOp(r, node, op, st);
        processState(r, node, st);
        Role req = r.requestedRole();
        if (req != null && (r.nextRole == Role.UNKNOWN || req.compareTo(r.nextRole) < 0)) r.nextRole = req;
        r.role = saved.compareTo(st.role) > 0 ? saved : st.role;
    }

    private void unpackOp(Rsc r, NodeInfo node, OpRecord op, OpState st) {
        String task = op.operation();
        boolean probe = task.equals("monitor") && op.intervalMs() == 0;
        int status = op.opStatus();
        if (status == EXEC_CANCELLED) return;
        if (status == EXEC_DONE || status == EXEC_ERROR) {
            status = determineOpStatus(r, node, op, probe, st);
        }
        switch (status) {
            case EXEC_DONE -> {
                updateResourceState(r, op, task, op.rc(), st);
                return;
            }
            case EXEC_NOT_INSTALLED -> {
                if (onFail(r, task, op.intervalMs()) == OnFail.IGNORE) {
                    updateResourceState(r, op, task, op.targetRc(), st);
                } else {
                    ClusterModel.locate(r, node, -Scores.INF);
                    r.note(node.index, "hard error (not installed) recorded for " + op.id());
                    opFailure(r, node, op, probe, st);
                }
                return;
            }
            default -> { }
        }
        OnFail strategy = onFail(r, task, op.intervalMs());
        if (strategy == OnFail.IGNORE) {
            updateResourceState(r, op, task, op.targetRc(), st);
            r.failureIgnored = true;
        } else {
            opFailure(r, node, op, probe, st);
            if (status == EXEC_ERROR_HARD) {
                ClusterModel.locate(r, node, -Scores.INF);
                r.note(node.index, "-INFINITY: hard error of " + op.id());
            } else if (status == EXEC_ERROR_FATAL) {
                model.locateAll(r, -Scores.INF);
                r.note(-1, "-INFINITY: fatal error of " + op.id());
            }
        }
    }

    private int determineOpStatus(Rsc r, NodeInfo node, OpRecord op, boolean probe, OpState st) {
        int rc = op.rc();
        int target = op.targetRc();
        int result = EXEC_DONE;
        if (target < 0 || target != rc) result = EXEC_ERROR;
        switch (rc) {
            case 0 -> {
                if (probe && target == 7) result = EXEC_DONE;
            }
            case 7 -> {
                if (probe || target == rc || !r.managed) {
                    result = EXEC_DONE;
                    st.role = Role.STOPPED;
                    st.onFail = OnFail.IGNORE;
                    r.nextRole = Role.UNKNOWN;
                }
            }
            case 2, 3, 4, 5 -> {
                if (rc == 3 && op.intervalMs() > 0) {
                    result = 3;
                } else {
                    if (!stonithEnabled && op.operation().equals("stop")) {
                        r.managed = false;
                        r.blocked = true;
                    }
                    result = EXEC_ERROR_HARD;
                }
            }
            case 6 -> result = EXEC_ERROR_FATAL;
            case 8, 9 -> throw new CairnException(ErrorCode.UNSUPPORTED,
                    "operation " + op.id() + " reports a promoted role (rc " + rc + ")",
                    "promotable resources are outside Cairn's supported subset");
            default -> {
                if (result == EXEC_DONE) result = EXEC_ERROR;
            }
        }
        return result;
    }

    private void updateResourceState(Rsc r, OpRecord op, String task, int rc, OpState st) {
        boolean clear = false;
        if (rc == 7) {
            clear = true;
        } else if (rc == 5) {
            st.role = Role.STOPPED;
        } else if (task.equals("monitor")) {
            if (st.lastFailure != null && st.lastFailure.operation().equals(op.operation())
                    && st.lastFailure.intervalMs() == op.intervalMs()) {
                clear = true;
            }
            if (st.role.compareTo(Role.STARTED) < 0) st.role = Role.STARTED;
        } else if (task.equals("start")) {
            st.role = Role.STARTED;
            clear = true;
        } else if (task.equals("stop")) {
            st.role = Role.STOPPED;
            clear = true;
        } else if (st.role.compareTo(Role.STARTED) < 0) {
            st.role = Role.STARTED;
        }
        if (clear) {
            switch (st.onFail) {
                case STOP, FENCE, MIGRATE, STANDBY -> { }
                default -> {
                    st.onFail = OnFail.IGNORE;
                    r.nextRole = Role.UNKNOWN;
                }
            }
        }
    }

    private void opFailure(Rsc r, NodeInfo node, OpRecord op, boolean probe, OpState st) {
        st.lastFailure = op;
        String task = op.operation();
        OnFail action = onFail(r, task, op.intervalMs());
        if (st.onFail.compareTo(action) < 0) st.onFail = action;
        if (task.equals("stop")) {
            ClusterModel.locate(r, node, -Scores.INF);
            r.note(node.index, "-INFINITY: stop failed there (" + op.id() + ")");
        } else if (task.equals("start") && FeatureSets.compare("2.0", op.featureSet()) > 0) {
            ClusterModel.locate(r, node, -Scores.INF);
            r.note(node.index, "-INFINITY: start failed there (" + op.id() + ", legacy history)");
        }
        if (probe && op.rc() == 5) {
            st.role = Role.STOPPED;
        } else if (st.role.compareTo(Role.STARTED) < 0) {
            st.role = Role.STARTED;
        }
        if (action == OnFail.STOP) {
            if (r.nextRole.compareTo(Role.STOPPED) < 0) r.nextRole = Role.STOPPED;
            model.banEverywhere(r);
            r.note(-1, "-INFINITY: " + op.id() + " failed with on-fail=stop");
        }
    }

    /** The configured on-fail for an operation (get_action_on_fail). */
    private OnFail onFail(Rsc r, String task, long intervalMs) {
        String value = null;
        for (OpDef d : r.def.ops()) {
            if (d.name().equals(task) && d.intervalMs() == intervalMs) {
                value = d.meta().get("on-fail");
                break;
            }
        }
        if (value == null) value = conf.operationDefaults().get("on-fail");
        if (value != null && task.equals("stop")
                && (value.equalsIgnoreCase("standby") || value.equalsIgnoreCase("stop") || value.equalsIgnoreCase("demote"))) {
            value = null; // not allowed for stop: Pacemaker resets it to the default
        }
        if (value != null) {
            switch (value.toLowerCase()) {
                case "block": return OnFail.BLOCK;
                case "fence": return stonithEnabled ? OnFail.FENCE : OnFail.STOP;
                case "standby": return OnFail.STANDBY;
                case "ignore", "nothing": return OnFail.IGNORE;
                case "migrate": return OnFail.MIGRATE;
                case "stop": return OnFail.STOP;
                case "restart": return OnFail.RECOVER;
                default: break;
            }
        }
        if (task.equals("stop")) return stonithEnabled ? OnFail.FENCE : OnFail.BLOCK;
        return OnFail.RECOVER;
    }

    private void processState(Rsc r, NodeInfo node, OpState st) {
        OnFail onFail = st.onFail;
        OnFail saved = onFail;
        if (node.unclean) onFail = OnFail.IGNORE;
        boolean active = st.role != Role.STOPPED && st.role != Role.UNKNOWN;
        switch (onFail) {
            case IGNORE -> { }
            case FENCE -> throw new CairnException(ErrorCode.UNSUPPORTED,
                    "resource " + r.id + " failed on " + node.uname + " and its node would be fenced",
                    "fencing actions are outside Cairn's supported subset");
            case STANDBY -> node.standby = true;
            case BLOCK -> {
                r.managed = false;
                r.blocked = true;
            }
            case MIGRATE -> {
                ClusterModel.locate(r, node, -Scores.INF);
                r.note(node.index, "-INFINITY: failed there with on-fail=migrate");
            }
            case STOP -> r.nextRole = Role.STOPPED;
            case RECOVER -> {
                if (active) {
                    r.failed = true;
                    r.stopFlag = true;
                    if (!r.requiredStops.contains(node)) r.requiredStops.add(node);
                }
            }
        }
        if (active) {
            addRunning(r, node);
            switch (onFail) {
                case IGNORE -> { }
                case BLOCK -> r.failed = true;
                default -> {
                    r.failed = true;
                    r.stopFlag = true;
                }
            }
        }
    }

    private void addRunning(Rsc r, NodeInfo node) {
        if (r.runningOn.contains(node)) return;
        r.runningOn.add(node);
        node.running.add(r);
        if (!r.managed) {
            ClusterModel.locate(r, node, Scores.INF);
            r.note(node.index, "+INFINITY: unmanaged and active there");
            return;
        }
        int clean = 0;
        for (NodeInfo n : r.runningOn) if (n.online && !n.unclean) clean++;
        if (clean > 1) {
            switch (r.recovery) {
                case STOP_ONLY -> {
                    model.banEverywhere(r);
                    r.note(-1, "-INFINITY: active on several nodes with multiple-active=stop_only");
                }
                case BLOCK -> {
                    r.managed = false;
                    r.blocked = true;
                }
                default -> { }
            }
        }
    }
}
