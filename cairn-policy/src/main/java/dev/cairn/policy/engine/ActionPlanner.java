package dev.cairn.policy.engine;

import dev.cairn.policy.model.Cib;
import dev.cairn.policy.model.OrderDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates the start/stop actions of every resource, links them by ordering constraints and
 * propagates "required" and "unrunnable" along the links (Pacemaker's create_actions,
 * internal constraints, apply_orderings and update_action).
 */
final class ActionPlanner {
    private final ClusterModel m;
    private final Cib cib;
    final List<Action> actions = new ArrayList<>();
    private final Map<Rsc, List<Action>> byRsc = new HashMap<>();

    ActionPlanner(ClusterModel m, Cib cib) {
        this.m = m;
        this.cib = cib;
    }

    List<Action> actionsOf(Rsc r) {
        return byRsc.getOrDefault(r, List.of());
    }

    void run() {
        for (Rsc r : m.resources) {
            for (NodeInfo n : r.requiredStops) customAction(r, false, n, false);
        }
        for (Rsc r : m.resources) createActions(r);
        List<int[]> pending = new ArrayList<>();
        for (OrderDef o : cib.configuration().orders()) {
            Rsc first = m.byId.get(o.first());
            Rsc then = m.byId.get(o.then());
            if (first == null || then == null) continue;
            boolean firstStart = o.firstAction().equals("start");
            boolean thenStart = o.thenAction().equals("start");
            int flags = Action.ORD_OPTIONAL;
            if (o.mandatory()) {
                if (!o.symmetrical()) {
                    flags |= Action.ORD_ASYMMETRICAL;
                } else {
                    flags |= Action.ORD_IMPLIES_THEN;
                    if (firstStart) flags |= Action.ORD_RUNNABLE_LEFT;
                }
            } else if ("restart".equals(then.meta.get("restart-type"))) {
                flags |= Action.ORD_IMPLIES_THEN;
            }
            pending.add(new int[] {indexOf(first), firstStart ? 1 : 0, indexOf(then), thenStart ? 1 : 0, flags});
            if (o.symmetrical()) {
                int inv = Action.ORD_OPTIONAL;
                if (o.mandatory()) inv |= Action.ORD_IMPLIES_FIRST;
                else if ("restart".equals(first.meta.get("restart-type"))) inv |= Action.ORD_IMPLIES_FIRST;
                pending.add(new int[] {indexOf(then), thenStart ? 0 : 1, indexOf(first), firstStart ? 0 : 1, inv});
            }
        }
        for (Rsc r : m.resources) {
            pending.add(new int[] {indexOf(r), 0, indexOf(r), 1,
                    Action.ORD_OPTIONAL | Action.ORD_IMPLIES_THEN | Action.ORD_RESTART});
        }
        for (int[] p : pending) applyOrdering(m.resources.get(p[0]), p[1] == 1, m.resources.get(p[2]), p[3] == 1, p[4]);
        // Pacemaker prepends new actions to its list, so it visits them newest first
        List<Action> newestFirst = new ArrayList<>(actions);
        java.util.Collections.reverse(newestFirst);
        for (Action a : newestFirst) blockColocatedStarts(a);
        for (Action a : newestFirst) updateAction(a);
    }

    private final Map<Rsc, Integer> indexCache = new HashMap<>();

    private int indexOf(Rsc r) {
        if (indexCache.isEmpty()) {
            for (int i = 0; i < m.resources.size(); i++) indexCache.put(m.resources.get(i), i);
        }
        return indexCache.get(r);
    }

    // ---- action creation ------------------------------------------------------------------

    private Action find(Rsc r, boolean start, NodeInfo node) {
        for (Action a : actionsOf(r)) {
            if (a.start == start && a.node == node) return a;
        }
        return null;
    }

    /** custom_action(): find or create, then re-evaluate optional and runnable. */
    private Action customAction(Rsc r, boolean start, NodeInfo node, boolean optional) {
        Action a = find(r, start, node);
        if (a == null) {
            a = new Action(actions.size(), r, start, node);
            a.optional = optional;
            actions.add(a);
            byRsc.computeIfAbsent(r, k -> new ArrayList<>(3)).add(a);
        }
        if (!optional) a.optional = false;
        if (node == null) {
            a.runnable = false;
        } else if (!r.managed) {
            a.optional = true;
        } else if (!node.online) {
            a.runnable = false;
        } else if (node.pending) {
            a.runnable = false;
        } else if (!start || r.requires.equalsIgnoreCase("nothing")) {
            a.reason = null;
            a.runnable = true;
        } else if (m.haveQuorum || m.noQuorumPolicy.equals("ignore")) {
            a.runnable = true;
        } else if (m.noQuorumPolicy.equals("stop")) {
            a.runnable = false;
            a.setReason("no quorum", true);
        } else {
            boolean active = false;
            for (NodeInfo n : r.runningOn) if (n.online && !n.unclean) active = true;
            if (!active || r.nextRole.compareTo(r.role) > 0) {
                a.runnable = false;
                a.setReason("quorum freeze", true);
            }
        }
        return a;
    }

    private void createActions(Rsc r) {
        NodeInfo current = r.currentNode();
        NodeInfo next = r.allocatedTo;
        if (next != null && r.nextRole == Role.UNKNOWN) r.nextRole = Role.STARTED;
        else if (r.nextRole == Role.UNKNOWN) r.nextRole = Role.STOPPED;
        boolean moving = current != null && next != null && current != next
                && r.nextRole.compareTo(Role.STARTED) >= 0;
        boolean needStop = moving;
        if (r.runningOn.size() > 1 && r.recovery == Rsc.Recovery.STOP_START) needStop = true;
        if (!moving) {
            if (r.failed) {
                if (r.stopFlag) needStop = true;
            } else if (r.blocked) {
                needStop = true;
            }
        }
        // restart: bring down, then back up to the current role
        Role role = r.role;
        if (role == Role.STARTED) {
            stopResource(r, !needStop);
            role = Role.STOPPED;
        }
        if (r.role.compareTo(r.nextRole) <= 0 && role != r.role && !r.blocked && next != null) {
            startResource(r, next, !needStop);
        }
        // role transition
        role = r.role;
        while (role != r.nextRole) {
            if (role == Role.STARTED && r.nextRole == Role.STOPPED) {
                stopResource(r, false);
                role = Role.STOPPED;
            } else if (role == Role.STOPPED && r.nextRole == Role.STARTED && next != null) {
                startResource(r, next, false);
                role = Role.STARTED;
            } else {
                break;
            }
        }
    }

    private void stopResource(Rsc r, boolean optional) {
        for (NodeInfo n : r.runningOn) {
            Action stop = customAction(r, false, n, optional);
            if (r.allocatedTo == null) stop.setReason("node availability", false);
            if (!r.managed) stop.runnable = false;
        }
    }

    private void startResource(Rsc r, NodeInfo node, boolean optional) {
        Action start = customAction(r, true, node, true);
        if (start.runnable && !optional) start.optional = false;
    }

    // ---- orderings ------------------------------------------------------------------------

    private void applyOrdering(Rsc firstRsc, boolean firstStart, Rsc thenRsc, boolean thenStart, int flags) {
        List<Action> firsts = new ArrayList<>();
        for (Action a : actionsOf(firstRsc)) if (a.start == firstStart) firsts.add(a);
        if (firsts.isEmpty()) {
            if (firstRsc == thenRsc) return;
            if (firstRsc.role == Role.STOPPED && !firstStart) return;
            firsts.add(customAction(firstRsc, firstStart, null, true));
        }
        List<Action> thens = new ArrayList<>();
        for (Action a : actionsOf(thenRsc)) if (a.start == thenStart) thens.add(a);
        if (thens.isEmpty()) return;
        for (Action f : firsts) {
            for (Action t : thens) orderActions(f, t, flags);
        }
    }

    private static void orderActions(Action first, Action then, int flags) {
        for (Action.Edge e : first.after) {
            if (e.then() == then && (e.flags() & flags) != 0) return;
        }
        Action.Edge e = new Action.Edge(first, then, flags);
        first.after.add(0, e);
        then.before.add(0, e);
    }

    // ---- propagation ----------------------------------------------------------------------

    private static final int CHANGED_FIRST = 1;
    private static final int CHANGED_THEN = 2;

    private void updateAction(Action then) {
        boolean lastOptional = then.optional;
        boolean lastRunnable = then.runnable;
        for (int i = 0; i < then.before.size(); i++) {
            Action.Edge e = then.before.get(i);
            Action first = e.first();
            int changed = graphUpdate(first, then, e.flags());
            if ((changed & CHANGED_FIRST) != 0) {
                for (int j = 0; j < first.after.size(); j++) updateAction(first.after.get(j).then());
                updateAction(first);
            }
        }
        if (lastOptional != then.optional || lastRunnable != then.runnable) {
            if (lastRunnable && !then.runnable) blockColocatedStarts(then);
            updateAction(then);
            for (int j = 0; j < then.after.size(); j++) updateAction(then.after.get(j).then());
        }
    }

    private int graphUpdate(Action first, Action then, int type) {
        boolean fOpt = first.optional;
        boolean fRun = first.runnable;
        boolean tOpt = then.optional;
        boolean tRun = then.runnable;
        boolean firstOptionalFlag = first.optional;
        boolean firstRunnableFlag = first.runnable;
        if ((type & Action.ORD_IMPLIES_THEN) != 0) {
            if (then.optional && !firstOptionalFlag) implies(then, first, false);
        }
        if ((type & Action.ORD_RESTART) != 0) handleRestart(first, then);
        if ((type & Action.ORD_RUNNABLE_LEFT) != 0) {
            if (then.runnable && !firstRunnableFlag) implies(then, first, true);
        }
        if ((type & Action.ORD_ASYMMETRICAL) != 0) handleAsymmetric(first, then);
        if ((type & (Action.ORD_IMPLIES_THEN | Action.ORD_IMPLIES_FIRST | Action.ORD_RESTART)) != 0
                && !first.start && !first.rsc.managed && first.rsc.blocked && !first.runnable) {
            then.runnable = false;
        }
        int changed = 0;
        if (fOpt != first.optional || fRun != first.runnable) changed |= CHANGED_FIRST;
        if (tOpt != then.optional || tRun != then.runnable) changed |= CHANGED_THEN;
        return changed;
    }

    private static void handleRestart(Action first, Action then) {
        boolean reason = false;
        if (!then.optional) reason = true;
        if (!then.runnable && then.rsc.managed && first.rsc == then.rsc) reason = true;
        if (!reason) return;
        if (first.runnable) implies(first, then, false);
        if (!then.optional) implies(first, then, false);
        if (!first.optional && !first.runnable) implies(then, first, true);
    }

    private static void handleAsymmetric(Action first, Action then) {
        if (first.runnable) return;
        Rsc tr = then.rsc;
        if (tr.role == Role.STOPPED && !then.start) return;
        if (tr.role.compareTo(Role.STARTED) >= 0 && then.start && then.optional && then.node != null
                && tr.runningOn.size() == 1 && tr.runningOn.get(0) == then.node) {
            return;
        }
        implies(then, first, false);
        implies(then, first, true);
    }

    /** pe_action_implies: clear optional (required) or runnable, and remember why. */
    private static void implies(Action action, Action because, boolean runnableFlag) {
        boolean update = false;
        if (runnableFlag) {
            if (action.runnable) {
                action.runnable = false;
                update = true;
            }
        } else if (action.optional && action.rsc.managed) {
            // actions of unmanaged resources stay optional: they are never sent
            action.optional = false;
            update = true;
        }
        if (update && because != null && action.rsc != because.rsc) {
            action.setReason((runnableFlag ? "unrunnable " : "required ") + because.rsc.id + " " + because.task(), false);
        }
    }

    private void blockColocatedStarts(Action a) {
        if (a.runnable || !a.start) return;
        Rsc r = a.rsc;
        for (Coloc c : r.withThis) {
            if (c.score() >= Scores.INF) markStartBlocked(c.dependent(), r);
        }
    }

    private void markStartBlocked(Rsc r, Rsc because) {
        for (Action a : new ArrayList<>(actionsOf(r))) {
            if (!a.start || !a.runnable) continue;
            a.runnable = false;
            a.setReason("colocation with " + because.id, false);
            blockColocatedStarts(a);
            updateAction(a);
        }
    }
}
