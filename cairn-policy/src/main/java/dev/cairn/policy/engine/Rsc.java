package dev.cairn.policy.engine;

import dev.cairn.policy.Score;
import dev.cairn.policy.model.ResourceDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A primitive resource's working state while one plan is computed. */
final class Rsc {
    static final int ABSENT = Integer.MIN_VALUE;

    enum Recovery { STOP_START, STOP_ONLY, BLOCK, STOP_UNEXPECTED }

    final int index;
    final String id;
    final ResourceDef def;
    final Map<String, String> meta;
    final int priority;
    final int stickiness;
    final int migrationThreshold;
    final boolean critical;
    final Recovery recovery;
    final String requires;
    final boolean stonithClass;
    final String targetRole;
    boolean managed;

    Role role = Role.STOPPED;
    Role nextRole = Role.UNKNOWN;
    boolean failed;
    boolean stopFlag;
    boolean blocked;
    boolean failureIgnored;
    boolean provisional = true;
    boolean assigning;
    boolean merging;

    final List<NodeInfo> runningOn = new ArrayList<>(2);
    /** Allowed-node scores by node index; ABSENT when the node is not in the allowed table. */
    final int[] weights;
    NodeInfo allocatedTo;
    /** Nodes where unpacking already scheduled a required stop (failure recovery). */
    final List<NodeInfo> requiredStops = new ArrayList<>(1);

    final List<Coloc> thisWith = new ArrayList<>(0);
    final List<Coloc> withThis = new ArrayList<>(0);

    /** Explanation notes, recorded only when explanations are requested. */
    List<Explain.Note> notes;

    Rsc(int index, ResourceDef def, Map<String, String> meta, int nodeCount, boolean stonithEnabled) {
        this.index = index;
        this.id = def.id();
        this.def = def;
        this.meta = meta;
        this.priority = Score.parse(meta.get("priority"), 0);
        String st = meta.get("resource-stickiness");
        this.stickiness = st == null || st.equalsIgnoreCase("default") ? 0 : Score.parse(st, 0);
        String mt = meta.get("migration-threshold");
        int threshold = Score.INFINITY;
        if (mt != null && !mt.equalsIgnoreCase("default")) {
            threshold = Score.parse(mt, 0);
            if (threshold < 0) threshold = 1;
        }
        this.migrationThreshold = threshold;
        String crit = meta.get("critical");
        this.critical = crit == null || dev.cairn.policy.cib.CibReaderSupport.isTrue(crit);
        String ma = meta.get("multiple-active");
        this.recovery = ma == null ? Recovery.STOP_START : switch (ma.toLowerCase()) {
            case "stop_only" -> Recovery.STOP_ONLY;
            case "block" -> Recovery.BLOCK;
            case "stop_unexpected" -> Recovery.STOP_UNEXPECTED;
            default -> Recovery.STOP_START;
        };
        this.stonithClass = "stonith".equals(def.standard());
        String req = meta.get("requires");
        if (req == null) req = (stonithClass || !stonithEnabled) ? "quorum" : "fencing";
        this.requires = req;
        String managedValue = meta.get("is-managed");
        this.managed = managedValue == null || dev.cairn.policy.cib.CibReaderSupport.isTrue(managedValue);
        this.targetRole = meta.get("target-role");
        this.weights = new int[nodeCount];
        Arrays.fill(weights, ABSENT);
    }

    /** get_target_role(): only Stopped limits a primitive. */
    Role requestedRole() {
        if (targetRole == null) return null;
        String v = targetRole.toLowerCase();
        if (v.equals("started") || v.equals("default")) return null;
        Role r = Role.parse(targetRole);
        if (r == Role.UNKNOWN || r.compareTo(Role.STARTED) > 0) return null;
        return r;
    }

    boolean disabled() {
        return targetRole != null && Role.parse(targetRole) == Role.STOPPED;
    }

    /** pe__current_node(): the first clean node the resource runs on, else the first. */
    NodeInfo currentNode() {
        NodeInfo first = null;
        for (NodeInfo n : runningOn) {
            if (first == null) first = n;
            if (n.online && !n.unclean) return n;
        }
        return first;
    }

    void note(int node, String text) {
        if (notes != null) notes.add(new Explain.Note(node, text));
    }

    @Override
    public String toString() { return id; }
}
