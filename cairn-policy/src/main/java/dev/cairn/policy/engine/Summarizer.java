package dev.cairn.policy.engine;

import dev.cairn.policy.TransitionAction;
import dev.cairn.policy.TransitionAction.Kind;
import java.util.ArrayList;
import java.util.List;

/** Turns each resource's actions into transition-summary lines (Pacemaker's rsc_action_default). */
final class Summarizer {
    private final ActionPlanner planner;
    final List<TransitionAction> lines = new ArrayList<>();

    Summarizer(ActionPlanner planner) {
        this.planner = planner;
    }

    void summarize(List<Rsc> resources) {
        for (Rsc r : resources) summarize(r);
    }

    private Action findFirst(Rsc r, boolean start, NodeInfo node) {
        for (Action a : planner.actionsOf(r)) {
            if (a.start == start && (node == null || a.node == node)) return a;
        }
        return null;
    }

    private void summarize(Rsc r) {
        NodeInfo current = r.runningOn.isEmpty() ? null : r.currentNode();
        NodeInfo next = r.allocatedTo;
        Role role = r.role;
        if (current != null && role == Role.STOPPED) role = Role.STARTED;
        if (!r.managed || (current == null && next == null)) return;
        boolean moving = current != null && next != null && current != next;
        Action start = findFirst(r, true, next);
        NodeInfo startNode = (start == null || !start.runnable) ? null : current;
        Action stop = findFirst(r, false, startNode);
        if (role == r.nextRole) {
            if (next == null) return;
            if (start == null || start.optional) return;
            if (!start.runnable) {
                item(Kind.STOP, r, role, current, null, stop, (stop != null && stop.reason != null) ? stop : start);
            } else if (moving) {
                item(r.failed ? Kind.RECOVER : Kind.MOVE, r, role, current, next, stop, null);
            } else if (r.failed) {
                item(Kind.RECOVER, r, role, current, null, stop, null);
            } else {
                item(Kind.RESTART, r, role, current, next, start, null);
            }
            return;
        }
        if (stop != null && (r.nextRole == Role.STOPPED || (start != null && !start.runnable))) {
            for (NodeInfo n : r.runningOn) {
                Action stopOp = findFirst(r, false, n);
                if (stopOp == null) continue;
                item(Kind.STOP, r, role, n, null, stopOp, stopOp.reason != null ? stopOp : start);
            }
        } else if (stop != null && r.failed && r.stopFlag) {
            item(Kind.RECOVER, r, role, current, next, stop, start);
        } else if (moving) {
            item(Kind.MOVE, r, role, current, next, stop, null);
        } else if (stop != null && !stop.optional) {
            item(Kind.RESTART, r, role, current, next, start, null);
        } else if (role == Role.STOPPED && r.nextRole.compareTo(Role.STOPPED) > 0) {
            item(Kind.START, r, role, current, next, start, null);
        }
    }

    private void item(Kind kind, Rsc r, Role role, NodeInfo origin, NodeInfo dest, Action action, Action source) {
        if (action == null) action = source;
        if (source == null) source = action;
        boolean sameHost = origin != null && dest != null && origin == dest;
        boolean sameRole = role == r.nextRole;
        String details;
        if (origin == null) {
            details = dest == null ? "" : dest.uname;
        } else if (dest == null) {
            details = origin.uname;
        } else if (sameRole && sameHost) {
            details = origin.uname;
        } else if (sameRole) {
            details = origin.uname + " -> " + dest.uname;
        } else if (sameHost) {
            details = role.text() + " -> " + r.nextRole.text() + " " + origin.uname;
        } else {
            details = role.text() + " " + origin.uname + " -> " + r.nextRole.text() + " " + dest.uname;
        }
        boolean runnable = action == null || action.runnable;
        String reason = source == null ? null : source.reason;
        lines.add(new TransitionAction(kind, r.id, origin == null ? null : origin.uname,
                dest == null ? null : dest.uname, details, reason, !runnable));
    }
}
