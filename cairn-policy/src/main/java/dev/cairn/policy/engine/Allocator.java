package dev.cairn.policy.engine;

import dev.cairn.policy.model.Cib;
import dev.cairn.policy.model.ColocationDef;
import dev.cairn.policy.model.LocationDef;
import dev.cairn.policy.model.RuleDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Node scores and assignment: locations, stickiness, failure thresholds, colocations, then
 * each resource to its best node (Pacemaker's pcmk__primitive_assign).
 */
final class Allocator {
    private final ClusterModel m;
    private final Cib cib;
    private final boolean keepScores;
    /** Score tables as they stood when each resource was assigned, in assignment order. */
    final List<Rsc> assignmentOrder = new ArrayList<>();
    final Map<Rsc, int[]> scoreSnapshots = new HashMap<>();

    Allocator(ClusterModel m, Cib cib, boolean keepScores) {
        this.m = m;
        this.cib = cib;
        this.keepScores = keepScores;
    }

    /** Node availability does not change while resources are assigned; indexed by node. */
    private boolean[] avail;

    void run() {
        avail = new boolean[m.nodes.size()];
        for (NodeInfo n : m.nodes) avail[n.index] = n.available();
        applyLocations();
        applyStickiness();
        applyFailureThresholds();
        buildColocations();
        for (Rsc r : m.resources) assign(r);
    }

    // ---- node criteria --------------------------------------------------------------------

    private void applyLocations() {
        for (LocationDef loc : cib.configuration().locations()) {
            Rsc r = m.byId.get(loc.resource());
            if (r == null) continue;
            if (loc.node() != null) {
                NodeInfo n = m.nodeByUname.get(loc.node());
                if (n == null) continue;
                applyLocationEntry(r, n, loc.score(), loc.id());
                continue;
            }
            for (RuleDef rule : loc.rules()) {
                String label = loc.id() + (rule.id() == null ? "" : "/" + rule.id());
                for (NodeInfo n : m.nodes) {
                    if (!Rules.matches(rule, n)) continue;
                    int s = Rules.score(rule, n);
                    int w = rule.or() ? Scores.add(n.weight, s) : s;
                    applyLocationEntry(r, n, w, label);
                }
            }
        }
    }

    private static void applyLocationEntry(Rsc r, NodeInfo n, int w, String label) {
        int cur = r.weights[n.index];
        r.weights[n.index] = cur == Rsc.ABSENT ? w : Scores.add(cur, w);
        r.note(n.index, dev.cairn.policy.Score.format(w) + ": location constraint " + label);
    }

    private void applyStickiness() {
        for (Rsc r : m.resources) {
            if (!r.managed || r.stickiness < 1 || r.runningOn.size() != 1) continue;
            NodeInfo n = r.runningOn.get(0);
            if (!m.symmetric && r.weights[n.index] == Rsc.ABSENT) continue;
            ClusterModel.locate(r, n, r.stickiness);
            r.note(n.index, "+" + r.stickiness + ": resource-stickiness (active there)");
        }
    }

    private void applyFailureThresholds() {
        String fs = cib.status().crmFeatureSet();
        boolean legacy = FeatureSets.compare(fs, "3.0.13") < 0;
        for (NodeInfo n : m.nodes) {
            Map<Rsc, Integer> counts = null;
            for (Map.Entry<String, String> a : n.attrs.entrySet()) {
                String k = a.getKey();
                if (!k.startsWith("fail-count-")) continue;
                String rest = k.substring("fail-count-".length());
                int hash = rest.indexOf('#');
                String rid;
                if (legacy) {
                    if (hash >= 0) continue;
                    rid = rest;
                } else {
                    if (hash < 0 || !rest.substring(hash + 1).matches(".+_[0-9]+")) continue;
                    rid = rest.substring(0, hash);
                }
                Rsc r = m.byId.get(rid);
                if (r == null) continue;
                if (counts == null) counts = new HashMap<>();
                counts.merge(r, dev.cairn.policy.Score.parse(a.getValue(), 0), Scores::add);
            }
            if (counts == null) continue;
            List<Rsc> sorted = new ArrayList<>(counts.keySet());
            sorted.sort(Comparator.comparing(r -> r.id));
            for (Rsc r : sorted) {
                int fc = counts.get(r);
                if (r.migrationThreshold == 0 || r.failureIgnored || fc <= 0) continue;
                if (r.migrationThreshold - fc <= 0) {
                    ClusterModel.locate(r, n, -Scores.INF);
                    r.note(n.index, "-INFINITY: fail count " + fc + " reached migration-threshold "
                            + r.migrationThreshold);
                }
            }
        }
    }

    private void buildColocations() {
        for (ColocationDef c : cib.configuration().colocations()) {
            Rsc dep = m.byId.get(c.resource());
            Rsc prim = m.byId.get(c.withResource());
            if (dep == null || prim == null || c.score() == 0 || dep == prim) continue;
            boolean influence = c.influence() != null ? c.influence() : dep.critical;
            Coloc col = new Coloc(c.id(), dep, prim, c.score(), c.nodeAttribute(), influence);
            insertSorted(dep.thisWith, col, (a, b) -> cmpRsc(a.primary(), b.primary()));
            insertSorted(prim.withThis, col, (a, b) -> cmpRsc(a.dependent(), b.dependent()));
        }
    }

    private static int cmpRsc(Rsc a, Rsc b) {
        if (a.priority != b.priority) return a.priority > b.priority ? -1 : 1;
        return a.id.compareTo(b.id);
    }

    /** g_list_insert_sorted: before the first element that does not sort before the new one. */
    private static void insertSorted(List<Coloc> list, Coloc c, Comparator<Coloc> cmp) {
        int i = 0;
        while (i < list.size() && cmp.compare(c, list.get(i)) > 0) i++;
        list.add(i, c);
    }

    // ---- assignment -----------------------------------------------------------------------

    private NodeInfo assign(Rsc r) {
        if (!r.provisional) return r.allocatedTo;
        if (r.assigning) return null;
        r.assigning = true;
        for (Coloc c : r.thisWith) {
            int[] archive = (c.score() < 0 && c.score() > -Scores.INF) ? r.weights.clone() : null;
            assign(c.primary());
            applyColocation(r, c);
            if (archive != null && !anyAvailable(r.weights)) {
                System.arraycopy(archive, 0, r.weights, 0, archive.length);
                r.note(-1, "reverted colocation " + c.id() + ": it left no node available");
            }
        }
        for (Coloc c : r.withThis) {
            if (!hasInfluence(c)) continue;
            int[] before = r.notes == null ? null : r.weights.clone();
            int[] merged = mergeWeights(c.dependent(), r.weights, c.attribute(), c.score() / (float) Scores.INF);
            if (merged != r.weights) System.arraycopy(merged, 0, r.weights, 0, merged.length);
            if (before != null) noteDiff(r, before, "colocation " + c.id() + " (" + c.dependent().id + " with " + r.id + ")");
        }
        if (r.nextRole == Role.STOPPED) {
            m.locateAll(r, -Scores.INF);
            r.note(-1, "-INFINITY: " + (r.disabled() ? "target-role=Stopped" : "must stop"));
        } else if (r.nextRole.compareTo(r.role) > 0 && !m.haveQuorum && m.noQuorumPolicy.equals("freeze")) {
            r.nextRole = r.role;
        }
        if (m.stonithEnabled && !m.haveStonithResource) r.managed = false;
        if (keepScores) {
            scoreSnapshots.put(r, r.weights.clone());
        }
        assignmentOrder.add(r);
        if (!r.managed) {
            r.nextRole = r.role;
            finalize(r, r.currentNode(), true);
        } else if (m.stopAll) {
            finalize(r, null, true);
        } else if (r.provisional) {
            assignBestNode(r);
        }
        r.assigning = false;
        return r.allocatedTo;
    }

    private void noteDiff(Rsc r, int[] before, String why) {
        for (int i = 0; i < before.length; i++) {
            if (before[i] != r.weights[i]) {
                r.note(i, why + ": " + dev.cairn.policy.Score.format(before[i]) + " -> "
                        + dev.cairn.policy.Score.format(r.weights[i]));
            }
        }
    }

    private boolean hasInfluence(Coloc c) {
        return c.influence() || c.primary().runningOn.isEmpty();
    }

    private boolean anyAvailable(int[] w) {
        for (int i = 0; i < w.length; i++) {
            int v = w[i];
            if (v >= 0 && avail[i]) return true; // ABSENT is negative
        }
        return false;
    }

    private void applyColocation(Rsc dep, Coloc c) {
        Rsc prim = c.primary();
        if (prim.provisional) return;
        String attr = c.attribute();
        String value = null;
        int score = c.score();
        if (prim.allocatedTo != null) {
            value = prim.allocatedTo.attr(attr);
        } else if (score < 0) {
            return;
        }
        int[] work = scratch(dep.weights);
        for (NodeInfo n : m.nodes) {
            int w = work[n.index];
            if (w == Rsc.ABSENT) continue;
            if (prim.allocatedTo == null) {
                work[n.index] = Scores.add(-score, w);
            } else if (eqIgnoreCase(n.attr(attr), value)) {
                if (score < Scores.INF) work[n.index] = Scores.add(score, w);
            } else if (score >= Scores.INF) {
                work[n.index] = Scores.add(-score, w);
            }
        }
        if (score <= -Scores.INF || score >= Scores.INF || anyAvailable(work)) {
            if (dep.notes != null) {
                int[] before = dep.weights;
                for (int i = 0; i < work.length; i++) {
                    if (before[i] != work[i]) {
                        dep.note(i, "colocation " + c.id() + " with " + prim.id
                                + (prim.allocatedTo == null ? " (not placed)" : " (on " + prim.allocatedTo.uname + ")")
                                + ": " + dev.cairn.policy.Score.format(before[i]) + " -> "
                                + dev.cairn.policy.Score.format(work[i]));
                    }
                }
            }
            System.arraycopy(work, 0, dep.weights, 0, work.length);
        } else {
            dep.note(-1, "colocation " + c.id() + " rolled back: it left no node available");
        }
    }

    private int[] scratchBuf;

    /** A reusable copy of {@code w} (applyColocation only keeps it by copying back). */
    private int[] scratch(int[] w) {
        if (scratchBuf == null || scratchBuf.length != w.length) scratchBuf = new int[w.length];
        System.arraycopy(w, 0, scratchBuf, 0, w.length);
        return scratchBuf;
    }

    private static boolean eqIgnoreCase(String a, String b) {
        return a != null && b != null && a.equalsIgnoreCase(b);
    }

    /** pcmk__native_merge_weights for a primitive dependent, with rollback. */
    private int[] mergeWeights(Rsc rsc, int[] nodes, String attr, float factor) {
        if (rsc.merging) return nodes;
        rsc.merging = true;
        int[] work = nodes.clone();
        addNodeScoresMatchingAttr(work, rsc, attr, factor);
        if (anyAvailable(work)) {
            int multiplier = factor < 0 ? -1 : 1;
            for (Coloc c : rsc.withThis) {
                if (!hasInfluence(c)) continue;
                work = mergeWeights(c.dependent(), work, c.attribute(), multiplier * c.score() / (float) Scores.INF);
            }
        } else {
            rsc.merging = false;
            return nodes;
        }
        rsc.merging = false;
        return work;
    }

    private void addNodeScoresMatchingAttr(int[] work, Rsc rsc, String attr, float factor) {
        Map<String, Integer> best = null;
        boolean byName = attr.equals("#uname");
        if (!byName) {
            best = new HashMap<>();
            for (NodeInfo n : m.nodes) {
                int w = rsc.weights[n.index];
                String v = n.attr(attr);
                if (w == Rsc.ABSENT || v == null || !avail[n.index]) continue;
                best.merge(v.toLowerCase(), w, Math::max);
            }
        }
        for (NodeInfo n : m.nodes) {
            int cur = work[n.index];
            if (cur == Rsc.ABSENT) continue;
            int score;
            if (byName) {
                int w = rsc.weights[n.index];
                score = (w != Rsc.ABSENT && w > -Scores.INF && avail[n.index]) ? w : -Scores.INF;
            } else {
                String v = n.attr(attr);
                Integer b = v == null ? null : best.get(v.toLowerCase());
                score = (b == null || b <= -Scores.INF) ? -Scores.INF : b;
            }
            if (factor < 0 && score < 0) continue;
            float weightF = factor * score;
            int weight = (int) (weightF < 0 ? (double) weightF - 0.5 : (double) weightF + 0.5);
            if (weight == 0 && score != 0) {
                if (factor > 0) weight = 1;
                else if (factor < 0) weight = -1;
            }
            work[n.index] = Scores.add(weight, cur);
        }
    }

    private void assignBestNode(Rsc r) {
        NodeInfo preferred = r.currentNode();
        NodeInfo best = null;
        int bestScore = 0;
        int[] w = r.weights;
        List<NodeInfo> nodes = m.nodes;
        for (int i = 0; i < w.length; i++) {
            int v = w[i];
            if (v == Rsc.ABSENT) continue;
            int sc = avail[i] ? v : -Scores.INF;
            if (best != null) {
                if (sc < bestScore) continue;
                if (sc == bestScore && compareNodes(r, nodes.get(i), best, preferred) >= 0) continue;
            }
            best = nodes.get(i);
            bestScore = sc;
        }
        NodeInfo chosen = best;
        if (chosen != null && r.weights[chosen.index] > 0 && chosen.available()) {
            NodeInfo running = preferred;
            if (running != null && running.available() && running.weight >= 0
                    && r.weights[running.index] == r.weights[chosen.index]) {
                chosen = running;
            }
        }
        finalize(r, chosen, false);
    }

    private int compareNodes(Rsc r, NodeInfo a, NodeInfo b, NodeInfo preferred) {
        int sa = avail[a.index] ? r.weights[a.index] : -Scores.INF;
        int sb = avail[b.index] ? r.weights[b.index] : -Scores.INF;
        if (sa != sb) return sa > sb ? -1 : 1;
        if (a.assigned != b.assigned) return a.assigned < b.assigned ? -1 : 1;
        if (preferred != null) {
            if (preferred == a) return -1;
            if (preferred == b) return 1;
        }
        return a.uname.compareTo(b.uname);
    }

    private void finalize(Rsc r, NodeInfo chosen, boolean force) {
        if (!force && chosen != null && (r.weights[chosen.index] < 0 || !chosen.available())) {
            r.nextRole = Role.STOPPED;
            chosen = null;
        }
        r.provisional = false;
        if (chosen == null) {
            r.nextRole = Role.STOPPED;
            return;
        }
        r.allocatedTo = chosen;
        chosen.assigned++;
    }

    static int[] copy(int[] a) { return Arrays.copyOf(a, a.length); }
}
