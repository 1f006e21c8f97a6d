package dev.cairn.policy.engine;

import java.util.ArrayList;
import java.util.List;

/** A start or stop of one resource on one node (node null: could not be placed). */
final class Action {
    static final int ORD_OPTIONAL = 1;
    static final int ORD_IMPLIES_THEN = 2;
    static final int ORD_IMPLIES_FIRST = 4;
    static final int ORD_RUNNABLE_LEFT = 8;
    static final int ORD_RESTART = 16;
    static final int ORD_ASYMMETRICAL = 32;

    record Edge(Action first, Action then, int flags) {}

    final int seq;
    final Rsc rsc;
    final boolean start;
    final NodeInfo node;
    boolean optional = true;
    boolean runnable = true;
    String reason;
    final List<Edge> before = new ArrayList<>(2);
    final List<Edge> after = new ArrayList<>(2);

    Action(int seq, Rsc rsc, boolean start, NodeInfo node) {
        this.seq = seq;
        this.rsc = rsc;
        this.start = start;
        this.node = node;
    }

    String task() { return start ? "start" : "stop"; }

    void setReason(String text, boolean overwrite) {
        if (reason == null || overwrite) reason = text;
    }

    @Override
    public String toString() {
        return rsc.id + "_" + task() + "@" + (node == null ? "-" : node.uname)
                + (optional ? " opt" : " req") + (runnable ? "" : " unrunnable");
    }
}
